//! Directives: `#set`, `#foreach`, macros, `#evaluate`, scoped blocks.

use super::*;

impl<'t, 'c> Evaluator<'t, 'c> {
    /// Renders a `#define` block or `$bodyContent` in a scope of its own.
    pub(super) fn render_scoped(&mut self, block: &Block, span: Span) -> Eval<()> {
        self.enter(span)?;
        let r = self.render_block(block);
        self.recursion -= 1;
        match r {
            Err(Flow::Break(None)) => Ok(()),
            other => other,
        }
    }

    pub(super) fn set(&mut self, s: &Set) -> Eval<()> {
        let target = &s.target;
        // Velocity stores `#set(${a} = ...)` and `#set($!a = ...)` under a name no
        // reference can read; for us they assign nothing (the right side still runs).
        let stored = !target.quiet && !target.literal.starts_with("${");
        if stored
            && target.parts.is_empty()
            && matches!(s.value, Expr::Binary(_) | Expr::Int(_))
            && let Some(x) = self.peek_int_deep(&s.value)
        {
            // `#set($i = $i + 1)`: the int goes straight into the variable, without a
            // `Value` made, returned and moved in between (-5% on a 200-row loop). Only
            // operations and literals are peeked: a reference such as `$ctx.args.input`
            // is rarely an int, and its read would be repeated by the evaluation.
            store(self.var_slot(target.root), Value::Int(x));
            return Ok(());
        }
        // (Kept apart from the int case above: one `match` with a guard for both cost 2% of
        // core_loop's instructions.)
        // Strings too: a `Value` returned through `Result` is written piecewise and then
        // read back whole when moved into the variable, a store-forwarding stall that cost
        // more than the rest of a `#set($sep = ",")`.
        if stored && target.parts.is_empty() {
            match &s.value {
                Expr::Str(text) => {
                    store(self.var_slot(target.root), Value::Str(text.clone()));
                    return Ok(());
                }
                Expr::Binary(b) if b.op == BinOp::Add => {
                    match self.add(b)? {
                        Added::Str(text) => store(self.var_slot(target.root), Value::Str(text)),
                        Added::Value(Value::Null) => {}
                        Added::Value(v) => self.assign(target.root, v),
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        let value = self.eval(&s.value)?;
        // directive.set.null.allowed=false: a null right side leaves the target alone.
        if value.is_null() || !stored {
            return Ok(());
        }
        let Some((last, path)) = target.parts.split_last() else {
            self.assign(target.root, value);
            return Ok(());
        };
        let mut obj = self.lookup(target.root)?;
        for part in path {
            if obj.is_null() {
                return Ok(());
            }
            obj = self.apply(&obj, part)?;
        }
        match (last, &obj) {
            (Part::Property(name), Value::Map(m)) => m.put(Value::Str(name.clone()), value),
            // Velocity's setter lookup finds `Map.Entry.setValue`.
            (Part::Property(name), Value::Entry(e)) if &**name == "value" => {
                e.set_value(value);
            }
            // Velocity sets the last identifier of the chain as a property, whatever follows
            // it: `#set($m.get('a') = 1)` puts `get`.
            (Part::Method(call), Value::Map(m)) => m.put(Value::Str(call.name.clone()), value),
            (Part::Index(index), _) => {
                let key = self.eval(&index.0)?;
                match &obj {
                    Value::Map(m) => {
                        m.insert(key, value);
                    }
                    Value::List(l) => {
                        let len = l.len() as i64;
                        if let Value::Int(i) = key {
                            // A negative index counts from the end, as when reading.
                            let i = if i < 0 { i as i64 + len } else { i as i64 };
                            if (0..len).contains(&i) {
                                l.borrow_mut(false)[i as usize] = value;
                                return Ok(());
                            }
                            return Err(self.error(
                                ErrorKind::MethodFailed {
                                    method: "set".into(),
                                    class: "ArrayList",
                                    reason: format!(
                                        "java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"
                                    ),
                                },
                                s.span,
                            ));
                        }
                    }
                    _ => {}
                }
            }
            // No setter exists on other objects: Velocity logs and goes on.
            _ => {}
        }
        Ok(())
    }

    pub(super) fn foreach(&mut self, f: &Foreach) -> Eval<()> {
        enum Source {
            List(List),
            // Map views (an iterator of the loop's own) and iterators the template made:
            // Java's iterator decides (see `value::iter`).
            Map(JavaIter),
            Iter(Rc<JavaIter>),
        }
        let source = match self.eval(&f.iterable)? {
            // Velocity finds the stream's `iterator()` but may not call it.
            Value::List(l) if l.kind().is_stream() => {
                return Err(self.error(
                    ErrorKind::MethodFailed {
                        method: "iterator".into(),
                        class: l.kind().simple_name(),
                        reason: format!(
                            "java.lang.IllegalAccessException: {} is not accessible",
                            l.kind().class_name()
                        ),
                    },
                    f.span,
                ));
            }
            Value::List(l) => Source::List(l),
            // Iterating a map iterates its values.
            Value::Map(m) => {
                Source::Map(JavaIter::new(IterSource::Map(m, MapView::Values), false, 0))
            }
            Value::Object(Object::View(m, view)) => {
                Source::Map(JavaIter::new(IterSource::Map(m, view), false, 0))
            }
            Value::Object(Object::Iter(it)) => Source::Iter(it),
            // null, strings, numbers...: no iterations (Velocity logs and goes on).
            _ => return Ok(()),
        };
        // Without a reader of `$foreach` and the 1.x counters, setting them is skipped.
        let loop_vars = self.template.loop_vars;
        // (The loop variable's value as a reference reads it: in a macro, a parameter's
        // argument. Velocity puts that back after the loop.)
        let saved = [
            self.lookup(f.var)?,
            self.var(builtin::FOREACH).clone(),
            self.var(builtin::VELOCITY_COUNT).clone(),
            self.var(builtin::VELOCITY_HAS_NEXT).clone(),
        ];
        let parent = match &saved[1] {
            Value::Object(Object::Loop(l)) => Some(l.clone()),
            _ => None,
        };
        let info = Rc::new(LoopInfo {
            index: std::cell::Cell::new(0),
            has_next: std::cell::Cell::new(false),
            depth: parent.as_ref().map_or(1, |p| p.depth + 1),
            parent,
        });
        let has_next = |s: &Source, cursor: usize| match s {
            Source::List(l) => cursor != l.len(),
            Source::Map(it) => it.has_next(),
            Source::Iter(it) => it.has_next(),
        };
        let expected = match &source {
            Source::List(l) => l.mods(),
            Source::Map(_) | Source::Iter(_) => 0,
        };
        let mut cursor = 0usize;
        let result = loop {
            // Java's iterator: ArrayList's hasNext() is `cursor != size`; next() fails on
            // modification.
            if !has_next(&source, cursor) {
                break Ok(());
            }
            let item = match &source {
                Source::List(l) if l.mods() == expected => l.get(cursor),
                Source::List(_) => None,
                Source::Map(it) => it.next().ok(),
                Source::Iter(it) => it.next().ok(),
            };
            let Some(item) = item else {
                break Err(self.error(ErrorKind::ConcurrentModification, f.span));
            };
            cursor += 1;
            if cursor > self.limits.max_loop_iterations {
                break Err(self.limit(
                    Limit::LoopIterations,
                    self.limits.max_loop_iterations,
                    f.span,
                ));
            }
            self.total_iterations += 1;
            if self.total_iterations > self.limits.max_total_iterations {
                break Err(self.limit(
                    Limit::TotalIterations,
                    self.limits.max_total_iterations,
                    f.span,
                ));
            }
            self.assign(f.var, item);
            if loop_vars {
                let has_next = has_next(&source, cursor);
                info.index.set(cursor - 1);
                info.has_next.set(has_next);
                self.assign(builtin::VELOCITY_COUNT, Value::Int(cursor as i32));
                self.assign(builtin::VELOCITY_HAS_NEXT, Value::Bool(has_next));
                self.assign(builtin::FOREACH, Value::Object(Object::Loop(info.clone())));
            }
            match self.render_block(&f.body) {
                Ok(()) => {}
                Err(Flow::Break(None)) => break Ok(()),
                Err(Flow::Break(Some(l))) if Rc::ptr_eq(&l, &info) => break Ok(()),
                Err(other) => break Err(other),
            }
        };
        let [var, foreach, count, has_next] = saved;
        self.assign(f.var, var);
        if loop_vars {
            self.assign(builtin::FOREACH, foreach);
            self.assign(builtin::VELOCITY_COUNT, count);
            self.assign(builtin::VELOCITY_HAS_NEXT, has_next);
        }
        result
    }

    /// The macro at `index`: the template's, then those `#evaluate` defined.
    pub(super) fn macro_def(&self, index: usize) -> Option<&ast::MacroDef> {
        let own = self.template.macros.len();
        match index.checked_sub(own) {
            None => self.template.macros.get(index),
            Some(i) => self.extra_macros.get(i)?.as_ref(),
        }
    }

    pub(super) fn late_call(&mut self, c: &ast::LateCall) -> Eval<()> {
        let own = self.template.macros.len();
        let found = self
            .extra_macros
            .iter()
            .position(|m| m.as_ref().is_some_and(|m| m.name == c.name));
        match found {
            Some(i) => {
                let call = MacroCall {
                    index: own + i,
                    ..c.call.clone()
                };
                self.call_macro(&call)
            }
            None => self.write(&c.text, c.call.span),
        }
    }

    pub(super) fn call_macro(&mut self, c: &MacroCall) -> Eval<()> {
        let Some((params, body)) = self
            .macro_def(c.index)
            .map(|def| (def.params.clone(), def.body.clone()))
        else {
            return Ok(());
        };
        self.enter(c.span)?;
        self.frames.push(Frame {
            params,
            args: c.args.clone(),
            unbound: Vec::new(),
            body: c.body.clone(),
        });
        let r = self.render_block(&body);
        self.frames.pop();
        self.recursion -= 1;
        match r {
            Err(Flow::Break(None)) => Ok(()),
            other => other,
        }
    }

    /// `#evaluate(text)`: parses and renders a string in the current variables.
    pub(super) fn evaluate(&mut self, arg: &Expr, span: Span) -> Eval<()> {
        let text = match self.eval(arg)? {
            Value::Null => return Ok(()),
            v => v.to_java_string(),
        };
        // The text is a template: bounded like one (a list of large strings made text
        // that took gigabytes to parse).
        if text.len() > self.limits.max_template_bytes {
            return Err(self.limit(Limit::TemplateSize, self.limits.max_template_bytes, span));
        }
        self.enter(span)?;
        let mut names = self
            .extra_names
            .take()
            .unwrap_or_else(|| self.template.names.clone());
        let macro_names: Vec<Arc<str>> = self
            .template
            .macros
            .iter()
            .map(|m| m.name.clone())
            .chain(
                self.extra_macros
                    .iter()
                    .map(|m| m.as_ref().map_or_else(|| Arc::from(""), |m| m.name.clone())),
            )
            .collect();
        let parsed = crate::parser::parse_fragment(
            &text,
            self.profile,
            self.limits.max_nesting_depth,
            &mut names,
            &macro_names,
        );
        let known = self.vars.len();
        if names.len() > known {
            self.vars.resize(names.len(), Value::Null);
            for i in known..names.len() {
                let input = names.name(VarId(i as u32)).and_then(|n| self.inputs.get(n));
                if let Some(json) = input {
                    self.vars[i] = crate::value::from_json(json);
                }
            }
        }
        self.extra_names = Some(names);
        let r = match parsed {
            // (The fragment's positions are in its own text: its errors point at the
            // `#evaluate` instead, not at the same offset of this template.)
            Ok((block, defined)) => {
                self.extra_macros.extend(defined);
                self.render_block(&block).map_err(|flow| match flow {
                    Flow::Error(e) => Flow::Error(
                        e.with_location(crate::Location::of(self.source, span.start as usize)),
                    ),
                    other => other,
                })
            }
            // Velocity throws the fragment's ParseErrorException from the render.
            Err(e) => Err(self.error(
                ErrorKind::Syntax {
                    message: format!("#evaluate: {}", e.kind()),
                },
                span,
            )),
        };
        self.recursion -= 1;
        match r {
            // `#stop` in the fragment ends the fragment only (Velocity's Evaluate catches
            // the StopCommand).
            Err(Flow::Break(None) | Flow::Stop) => Ok(()),
            other => other,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
}
