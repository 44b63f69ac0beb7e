//! Expressions: conditions, operators, ranges, string building and interpolation.

use super::*;

impl<'t, 'c> Evaluator<'t, 'c> {
    /// Velocity's truth of a condition: references by value (null and `false` are false),
    /// operators by their result, and any other literal is false.
    pub(super) fn truthy(&mut self, e: &Expr) -> Eval<bool> {
        Ok(match e {
            Expr::Ref(r) => self.eval_ref(r)?.is_truthy(),
            Expr::Bool(b) => *b,
            Expr::Not(x) => !self.truthy(x)?,
            Expr::Binary(b) => match b.op {
                BinOp::And => self.truthy(&b.left)? && self.truthy(&b.right)?,
                BinOp::Or => self.truthy(&b.left)? || self.truthy(&b.right)?,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    matches!(self.eval(e)?, Value::Bool(true))
                }
                // Arithmetic nodes have no truth value in 1.7.
                _ => {
                    self.eval(e)?;
                    false
                }
            },
            _ => {
                self.eval(e)?;
                false
            }
        })
    }

    /// [`Evaluator::eval`] into `slot`, where literals and reads through the JSON are
    /// made in place: a value returned through `Result` is written piecewise and read back
    /// whole when moved, a store-forwarding stall.
    #[inline]
    pub(super) fn eval_into(&mut self, e: &Expr, slot: &mut Value) -> Eval<()> {
        match e {
            Expr::Int(i) => store(slot, Value::Int(*i)),
            Expr::Str(s) => store(slot, Value::Str(s.clone())),
            Expr::Ref(r)
                if self
                    .read_ref(r, |end| store(slot, end.into_value()))
                    .is_some() => {}
            e => store(slot, self.eval(e)?),
        }
        Ok(())
    }

    pub(crate) fn eval(&mut self, e: &Expr) -> Eval<Value> {
        Ok(match e {
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Interpolated(i) => self.interpolate(i)?,
            Expr::Int(i) => Value::Int(*i),
            Expr::Long(i) => Value::Long(*i),
            Expr::BigInt(b) => Value::BigInt(Rc::new((**b).clone())),
            Expr::Double(d) => Value::Double(*d),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Ref(r) => {
                // `$item.qty`, `$ctx.identity.sub`: read from the map the variable holds,
                // through the JSON where it is untouched.
                if let Some(v) = self.read_ref(r, |end| end.into_value()) {
                    return Ok(v);
                }
                self.eval_ref(r)?
            }
            Expr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item)?);
                }
                Value::List(List::new(out))
            }
            Expr::Map(entries) => {
                let map = Map::with_capacity(entries.len());
                for (k, v) in entries.iter() {
                    let k = self.eval(k)?;
                    let v = self.eval(v)?;
                    map.insert(k, v);
                }
                Value::Map(map)
            }
            Expr::Range(r) => self.range(r)?,
            Expr::Not(x) => Value::Bool(!self.truthy(x)?),
            Expr::Binary(b) => self.binary(b)?,
            Expr::Null => Value::Null,
        })
    }

    pub(super) fn range(&mut self, r: &ast::Range) -> Eval<Value> {
        let a = self.eval(&r.from)?;
        let b = self.eval(&r.to)?;
        let as_int = |v: &Value| -> Option<i64> {
            match v {
                Value::Int(i) => Some(i64::from(*i)),
                Value::Long(l) => Some(i64::from(*l as i32)),
                Value::Double(d) => Some(i64::from(*d as i32)),
                Value::Float(f) => Some(i64::from(*f as i32)),
                Value::Short(i) => Some(i64::from(*i)),
                Value::Byte(i) => Some(i64::from(*i)),
                _ => None,
            }
        };
        let (Some(a), Some(b)) = (as_int(&a), as_int(&b)) else {
            return Ok(Value::Null);
        };
        let n = (a - b).unsigned_abs() as usize + 1;
        if n > self.limits.max_collection_len {
            return Err(self.limit(
                Limit::CollectionSize,
                self.limits.max_collection_len,
                r.span,
            ));
        }
        let items: Vec<Value> = if a <= b {
            (a..=b).map(|i| Value::Int(i as i32)).collect()
        } else {
            (b..=a).rev().map(|i| Value::Int(i as i32)).collect()
        };
        Ok(Value::List(List::new(items)))
    }

    pub(super) fn binary(&mut self, b: &ast::Binary) -> Eval<Value> {
        match b.op {
            BinOp::And => {
                return Ok(Value::Bool(self.truthy(&b.left)? && self.truthy(&b.right)?));
            }
            BinOp::Or => {
                return Ok(Value::Bool(self.truthy(&b.left)? || self.truthy(&b.right)?));
            }
            BinOp::Eq | BinOp::Ne => {
                if let Some(eq) = self.equals_literal(&b.left, &b.right)? {
                    return Ok(Value::Bool(eq == (b.op == BinOp::Eq)));
                }
            }
            _ if let Some(x) = self.peek_int(&b.left)
                && let Some(y) = self.peek_int(&b.right)
                && let Some(v) = int_fast_path(b.op, &Value::Int(x), &Value::Int(y)) =>
            {
                return Ok(v);
            }
            BinOp::Add => {
                return Ok(match self.add(b)? {
                    Added::Str(s) => Value::Str(s),
                    Added::Value(v) => v,
                });
            }
            _ => {}
        }
        let l = self.eval(&b.left)?;
        let r = self.eval(&b.right)?;
        if let Some(v) = int_fast_path(b.op, &l, &r) {
            return Ok(v);
        }
        Ok(match b.op {
            BinOp::Eq => Value::Bool(ops::loose_equals(&l, &r)),
            BinOp::Ne => Value::Bool(!ops::loose_equals(&l, &r)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let Some(ord) = ops::compare_numbers(&l, &r) else {
                    return Ok(Value::Bool(false));
                };
                Value::Bool(match b.op {
                    BinOp::Lt => ord.is_lt(),
                    BinOp::Le => ord.is_le(),
                    BinOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            op => ops::arithmetic(op, &l, &r).unwrap_or(Value::Null),
        })
    }

    /// The value of `e` when it is an int literal, or a reference to an int (a variable,
    /// or a number in the caller's JSON) that can be read without evaluating anything:
    /// `$i + 1` and `$item.qty * $item.price` then copy and drop no values. An operation
    /// is peeked one level deep: a peek that fails is followed by the evaluation, which
    /// peeks again at every level below it (unbounded, that would grow quadratically).
    pub(super) fn peek_int(&self, e: &Expr) -> Option<i32> {
        self.peek_operation(e, Self::peek_leaf)
    }

    /// [`Evaluator::peek_int`] one level deeper, for a whole `#set` right side:
    /// `$total + $item.qty * $item.price`.
    pub(super) fn peek_int_deep(&self, e: &Expr) -> Option<i32> {
        self.peek_operation(e, Self::peek_int)
    }

    /// `e` peeked as an operation on two `operand`s, or as a leaf.
    #[inline(always)]
    pub(super) fn peek_operation(
        &self,
        e: &Expr,
        operand: fn(&Self, &Expr) -> Option<i32>,
    ) -> Option<i32> {
        match e {
            Expr::Binary(b) => match int_fast_path(
                b.op,
                &Value::Int(operand(self, &b.left)?),
                &Value::Int(operand(self, &b.right)?),
            )? {
                Value::Int(i) => Some(i),
                _ => None,
            },
            e => self.peek_leaf(e),
        }
    }

    /// [`Evaluator::peek_int`] of a literal or a reference.
    pub(super) fn peek_leaf(&self, e: &Expr) -> Option<i32> {
        let r = match e {
            Expr::Int(i) => return Some(*i),
            Expr::Ref(r) => r,
            _ => return None,
        };
        let var = self.vars.get(self.slot(r.root)?)?;
        match (var, &*r.parts) {
            (Value::Int(i), []) => Some(*i),
            (Value::Map(m), [_, ..]) => m
                .read_path(&r.parts, |end| match end {
                    PathEnd::Json(Some(serde_json::Value::Number(n))) => {
                        i32::try_from(n.as_i64()?).ok()
                    }
                    PathEnd::Value(Value::Int(i)) => Some(i),
                    _ => None,
                })
                .flatten(),
            _ => None,
        }
    }

    /// `a + b`: a string, or the numbers' sum (null if not numbers). Strings are built at
    /// the end of `out` and cut off, as interpolated strings are.
    pub(super) fn add(&mut self, b: &ast::Binary) -> Eval<Added> {
        let start = self.out.len();
        match self.sum(b, start) {
            Ok(Sum::Value(v)) => Ok(Added::Value(v)),
            Ok(Sum::Written) => {
                let s = Arc::from(self.out.get(start..).unwrap_or_default());
                self.out.truncate(start);
                Ok(Added::Str(s))
            }
            Err(flow) => {
                self.out.truncate(start);
                Err(flow)
            }
        }
    }

    /// `a + b`, where `a` may itself be a `+`: once a side is a string the rest of the chain
    /// is concatenated at the end of `out` from `start` (`"A-" + $x + "-" + $y` makes one
    /// string, not three); a null side contributes its source text. Without a string, the
    /// numbers are added.
    pub(super) fn sum(&mut self, b: &ast::Binary, start: usize) -> Eval<Sum> {
        let left = match &b.left {
            Expr::Binary(inner) if inner.op == BinOp::Add => self.sum(inner, start)?,
            // A string literal: the chain is a string from here on.
            e @ (Expr::Str(_) | Expr::Interpolated(_)) => {
                self.append(e, b.span)?;
                Sum::Written
            }
            e => Sum::Value(self.eval(e)?),
        };
        match left {
            Sum::Written => self.append(&b.right, b.span)?,
            Sum::Value(Value::Str(l)) => {
                self.out.push_str(&l);
                self.append(&b.right, b.span)?;
            }
            Sum::Value(l) => {
                let r = self.eval(&b.right)?;
                if !matches!(r, Value::Str(_)) {
                    return Ok(Sum::Value(match int_fast_path(BinOp::Add, &l, &r) {
                        Some(v) => v,
                        None => ops::arithmetic(BinOp::Add, &l, &r).unwrap_or(Value::Null),
                    }));
                }
                self.concat_value(&l, &b.left, b.span)?;
                self.concat_value(&r, &b.right, b.span)?;
            }
        }
        self.check_string_since(start, b.span)?;
        Ok(Sum::Written)
    }

    /// Appends the string form of `e` to `out` (a side of a concatenation): literals and
    /// strings in variables or in the caller's JSON are copied from where they are.
    pub(super) fn append(&mut self, e: &Expr, span: Span) -> Eval<()> {
        match e {
            Expr::Str(s) => {
                self.out.push_str(s);
                return Ok(());
            }
            Expr::Interpolated(i) => return self.interpolate_here(i),
            Expr::Ref(r) => {
                if let Some(slot) = self.slot(r.root) {
                    match (self.vars.get(slot), r.parts.is_empty()) {
                        (Some(Value::Str(s)), true) => {
                            self.out.push_str(s);
                            return Ok(());
                        }
                        (Some(Value::Map(m)), false) => {
                            if let Some(other) =
                                m.read_path(&r.parts, append_json_str(&mut self.out))
                            {
                                if let Some(value) = other {
                                    self.concat_value(&value, e, span)?;
                                }
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        let value = self.eval(e)?;
        self.concat_value(&value, e, span)
    }

    /// Appends `v` (the value of `e`, a side of a concatenation) to `out`. A `#define`d
    /// block is rendered there, as Java's `toString()` of it does.
    pub(super) fn concat_value(&mut self, v: &Value, e: &Expr, span: Span) -> Eval<()> {
        if let Value::Object(Object::Block(block)) = v {
            return self.render_scoped(block, span);
        }
        let mut s = std::mem::take(&mut self.out);
        self.concat_part(v, e, &mut s);
        self.out = s;
        Ok(())
    }

    pub(super) fn concat_part(&self, v: &Value, e: &Expr, out: &mut String) {
        match (v, e) {
            (Value::Null, Expr::Ref(r)) => out.push_str(&self.null_literal(r)),
            (Value::Null, _) => out.push_str("null"),
            (v, _) => v.write_java(out),
        }
    }

    /// Renders interpolated string `i` at the end of `out`, and leaves it there.
    pub(super) fn interpolate_here(&mut self, i: &Interpolated) -> Eval<()> {
        let start = self.out.len();
        let outer = self.string_start.replace(start);
        let outer_limit = std::mem::replace(
            &mut self.out_limit,
            start.saturating_add(self.limits.max_string_bytes),
        );
        let r = self.render_block(&i.body);
        self.string_start = outer;
        self.out_limit = outer_limit;
        if let Err(flow) = r {
            self.out.truncate(start);
            return Err(flow);
        }
        if i.strip_last
            && let Some(last) = self.out.get(start..).and_then(|s| s.chars().next_back())
        {
            self.out.truncate(self.out.len() - last.len_utf8());
        }
        Ok(())
    }

    pub(super) fn interpolate(&mut self, i: &Interpolated) -> Eval<Value> {
        let start = self.out.len();
        self.interpolate_here(i)?;
        let s = Arc::from(self.out.get(start..).unwrap_or_default());
        self.out.truncate(start);
        Ok(Value::Str(s))
    }

    // -----------------------------------------------------------------------------------------
    // References

    /// `$item.status == "active"` (either way round): when the property is a string still
    /// in the caller's JSON, compared there without making a template string of it. `None`
    /// when the operands are not a property reference and a string literal (nothing has been
    /// evaluated then).
    pub(super) fn equals_literal(&mut self, a: &Expr, b: &Expr) -> Eval<Option<bool>> {
        let ((Expr::Ref(r), Expr::Str(literal)) | (Expr::Str(literal), Expr::Ref(r))) = (a, b)
        else {
            return Ok(None);
        };
        let Some((last @ Part::Property(_), _)) = r.parts.split_last() else {
            return Ok(None);
        };
        let equals = |end: PathEnd<'_>| match end {
            PathEnd::Json(Some(serde_json::Value::String(s))) => s == &**literal,
            end => ops::loose_equals(&end.into_value(), &Value::Str(literal.clone())),
        };
        if let Some(eq) = self.read_ref(r, equals) {
            return Ok(Some(eq));
        }
        let target = self.eval_ref_prefix(r)?;
        if let Value::Map(m) = &target
            && let Some(eq) = m.read_path(std::slice::from_ref(last), equals)
        {
            return Ok(Some(eq));
        }
        let value = match target {
            Value::Null => Value::Null,
            target => self.apply(&target, last)?,
        };
        Ok(Some(equals(PathEnd::Value(value))))
    }
}
