//! References: rendering `$a.b(c)[d]`, reading and calling along a chain.

use super::*;

impl<'t, 'c> Evaluator<'t, 'c> {
    pub(super) fn render_ref(&mut self, r: &Reference) -> Eval<()> {
        // `$item.name`, `$ctx.identity.sub` where the variable holds a map: read through the
        // JSON where it is untouched, and a string there written from there.
        if !r.parts.is_empty()
            && r.escapes == 0
            && let Some(slot) = self.slot(r.root)
            && let Some(Value::Map(m)) = self.vars.get(slot)
            && let Some(other) = m.read_path(&r.parts, append_json_str(&mut self.out))
        {
            return match other {
                None => self.check_output(r.span),
                Some(value) => self.render_value(r, value),
            };
        }
        // `$i`, `$label`: a variable holding an int or a string is written as it is.
        if r.parts.is_empty()
            && r.escapes == 0
            && let Some(slot) = self.slot(r.root)
        {
            match self.vars.get(slot) {
                Some(Value::Int(i)) => self.out.push_str(itoa::Buffer::new().format(*i)),
                Some(Value::Str(s)) => self.out.push_str(s),
                _ => {
                    let value = self.lookup(r.root)?;
                    return self.render_value(r, value);
                }
            }
            return self.check_output(r.span);
        }
        // `$item.name` where the name is still a string in the caller's JSON: written
        // straight from the JSON (no template string made and dropped).
        if r.escapes == 0
            && let Some((last @ Part::Property(_), _)) = r.parts.split_last()
        {
            let target = self.eval_ref_prefix(r)?;
            let read = match &target {
                Value::Map(m) => {
                    m.read_path(std::slice::from_ref(last), append_json_str(&mut self.out))
                }
                _ => None,
            };
            let value = match (read, target) {
                (Some(None), _) => return self.check_output(r.span),
                (Some(Some(value)), _) => value,
                (None, Value::Null) => Value::Null,
                (None, target) => self.apply(&target, last)?,
            };
            return self.render_value(r, value);
        }
        // `$util.toJson(...)` and the DynamoDB JSON helpers: their text is written straight
        // into the output.
        if r.escapes == 0
            && let Some((Part::Method(m), _)) = r.parts.split_last()
        {
            let target = match self.util_target(r) {
                Some(ns) => Value::Object(Object::Util(ns)),
                None => self.eval_ref_prefix(r)?,
            };
            let Value::Object(Object::Util(ns)) = target else {
                let value = match target {
                    Value::Null => Value::Null,
                    target => self.call_method(&target, m)?,
                };
                return self.render_value(r, value);
            };
            let args = self.eval_args(m)?;
            let start = self.out.len();
            match util::write_text(ns, &m.name, &args, &mut self.out) {
                Some(Ok(())) => {
                    // The limit a returned string would have met.
                    self.check_string_since(start, m.span)?;
                    return self.check_output(r.span);
                }
                Some(Err(f)) => {
                    self.out.truncate(start);
                    return Err(self.error(*f.0, m.span));
                }
                None => {
                    let value = self.finish_call(&target, m, &args)?;
                    return self.render_value(r, value);
                }
            }
        }
        let value = self.eval_ref(r)?;
        self.render_value(r, value)
    }

    pub(super) fn render_value(&mut self, r: &Reference, value: Value) -> Eval<()> {
        if r.escapes > 0 {
            if value.is_null() {
                // Velocity writes half the backslashes, then for an escaped reference (an
                // odd count) one more and its text; else the half again and, unless quiet,
                // the text.
                let half = r.escapes / 2;
                let escaped = r.escapes % 2 == 1;
                let count = if escaped { half + 1 } else { 2 * half };
                for _ in 0..count {
                    self.out.push('\\');
                }
                if r.quiet && !escaped {
                    return Ok(());
                }
                let literal = self.null_literal(r);
                return self.write(&literal, r.span);
            }
            for _ in 0..r.escapes / 2 {
                self.out.push('\\');
            }
            if r.escapes % 2 == 1 {
                let literal = self.null_literal(r);
                return self.write(&literal, r.span);
            }
        }
        match value {
            Value::Null => {
                if r.quiet {
                    return Ok(());
                }
                let literal = self.null_literal(r);
                self.write(&literal, r.span)
            }
            Value::Object(Object::Block(block)) => self.render_scoped(&block, r.span),
            Value::Str(s) => self.write(&s, r.span),
            other => {
                other.write_java(&mut self.out);
                self.check_output(r.span)
            }
        }
    }

    /// What a null reference renders as: its own text, except a bare macro parameter, which
    /// shows the caller's argument text (`#m($undef)` renders `$undef`).
    pub(super) fn null_literal(&self, r: &Reference) -> String {
        if r.parts.is_empty()
            && let Some(frame) = self.frames.last()
            && let Some(i) = frame.bound(r.root)
            && let Some(Expr::Ref(arg)) = frame.args.get(i)
        {
            return arg.literal.to_string();
        }
        r.literal.to_string()
    }

    /// Reads `$var.a.b` through the map `$var` holds ([`Map::read_path`]: through the
    /// caller's JSON where it is untouched), calling `f` with where the path ends. `None`,
    /// with nothing read, when the reference has no properties, its variable holds no map,
    /// or the path cannot be followed that way.
    #[inline(always)]
    pub(super) fn read_ref<R>(&self, r: &Reference, f: impl FnOnce(PathEnd<'_>) -> R) -> Option<R> {
        if r.parts.is_empty() {
            return None;
        }
        match self.vars.get(self.slot(r.root)?)? {
            Value::Map(m) => m.read_path(&r.parts, f),
            _ => None,
        }
    }

    /// The value of `r` without its last part (null when the chain is null before it).
    pub(super) fn eval_ref_prefix(&mut self, r: &Reference) -> Eval<Value> {
        let mut v = self.lookup(r.root)?;
        for part in r.parts.iter().take(r.parts.len().saturating_sub(1)) {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.apply(&v, part)?;
        }
        Ok(v)
    }

    /// The `$util` namespace whose helper `r` calls, when reading it evaluates nothing:
    /// `$util.toJson(..)`, `$util.dynamodb.toDynamoDBJson(..)` (the variable still holds
    /// the namespace). The general path looks the variable up, copies its value and walks
    /// the properties as values: ~100 instructions of a ~1k-instruction helper call.
    pub(super) fn util_target(&self, r: &Reference) -> Option<Namespace> {
        let (Part::Method(_), prefix) = r.parts.split_last()? else {
            return None;
        };
        let &Value::Object(Object::Util(mut ns)) = self.vars.get(self.slot(r.root)?)? else {
            return None;
        };
        for part in prefix {
            let Part::Property(name) = part else {
                return None;
            };
            ns = ns.child(name)?;
        }
        Some(ns)
    }

    pub(crate) fn eval_ref(&mut self, r: &Reference) -> Eval<Value> {
        let mut v = self.lookup(r.root)?;
        for part in r.parts.iter() {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.apply(&v, part)?;
        }
        Ok(v)
    }

    pub(super) fn eval_args(&mut self, m: &ast::Method) -> Eval<Args> {
        if m.args.len() <= INLINE_ARGS {
            let mut args: [Value; INLINE_ARGS] = Default::default();
            for (slot, a) in args.iter_mut().zip(m.args.iter()) {
                self.eval_into(a, slot)?;
            }
            return Ok(Args::Inline(args, m.args.len()));
        }
        let mut args = Vec::with_capacity(m.args.len());
        for a in m.args.iter() {
            args.push(self.eval(a)?);
        }
        Ok(Args::Heap(args))
    }

    /// `target.m(args)`.
    pub(super) fn call_method(&mut self, target: &Value, m: &ast::Method) -> Eval<Value> {
        let args = self.eval_args(m)?;
        self.finish_call(target, m, &args)
    }

    /// `target.m(args)` once the arguments are evaluated.
    pub(super) fn finish_call(
        &mut self,
        target: &Value,
        m: &ast::Method,
        args: &[Value],
    ) -> Eval<Value> {
        let result = match target {
            Value::Object(Object::Util(ns)) => {
                util::call(self.rt, *ns, &m.name, args).map_err(|f| self.error(*f.0, m.span))
            }
            _ => methods::call(target, &m.name, args).map_err(|reason| {
                self.error(
                    ErrorKind::MethodFailed {
                        method: m.name.to_string(),
                        class: target.java_class(),
                        reason,
                    },
                    m.span,
                )
            }),
        }?;
        self.check_sizes(&result, target, m.span)?;
        Ok(result)
    }

    pub(super) fn apply(&mut self, target: &Value, part: &Part) -> Eval<Value> {
        match part {
            Part::Property(name) => Ok(match target {
                Value::Object(Object::Util(ns)) => match ns.child(name) {
                    Some(child) => Value::Object(Object::Util(child)),
                    None => Value::Null,
                },
                _ => methods::shared_property(target, name),
            }),
            Part::Method(m) => self.call_method(target, m),
            Part::Index(index) => {
                let (e, span) = &**index;
                let idx = self.eval(e)?;
                methods::index(target, &idx).map_err(|reason| {
                    self.error(
                        ErrorKind::MethodFailed {
                            method: "get".into(),
                            class: target.java_class(),
                            reason,
                        },
                        *span,
                    )
                })
            }
        }
    }
}
