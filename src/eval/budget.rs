//! The evaluator's budgets: output and string sizes, operations (fuel), recursion, and
//! the errors that report them.

use super::*;

impl<'t, 'c> Evaluator<'t, 'c> {
    pub(super) fn error(&self, kind: ErrorKind, span: Span) -> Flow {
        Flow::Error(Error::at(kind, self.source, span))
    }

    pub(super) fn limit(&self, limit: Limit, max: usize, span: Span) -> Flow {
        self.error(
            ErrorKind::LimitExceeded {
                limit,
                max: max as u64,
            },
            span,
        )
    }

    pub(super) fn write(&mut self, s: &str, span: Span) -> Eval<()> {
        self.out.push_str(s);
        self.check_output(span)
    }

    /// A string built at the end of `out` since `start` must fit the string-size limit;
    /// if not, it is cut off and the limit error raised.
    pub(super) fn check_string_since(&mut self, start: usize, span: Span) -> Eval<()> {
        if self.out.len() - start > self.limits.max_string_bytes {
            self.out.truncate(start);
            return Err(self.limit(Limit::StringSize, self.limits.max_string_bytes, span));
        }
        Ok(())
    }

    #[inline]
    pub(super) fn check_output(&self, span: Span) -> Eval<()> {
        if self.out.len() > self.out_limit {
            return Err(self.output_limit(span));
        }
        Ok(())
    }

    #[cold]
    pub(super) fn output_limit(&self, span: Span) -> Flow {
        // While an interpolated string is built, `out` holds that string.
        match self.string_start {
            Some(_) => self.limit(Limit::StringSize, self.limits.max_string_bytes, span),
            None => self.limit(Limit::OutputSize, self.limits.max_output_bytes, span),
        }
    }

    /// What a method or helper gave must respect the string and collection limits (Java
    /// would happily build a gigabyte string; an untrusted template must not).
    pub(super) fn check_sizes(&self, result: &Value, target: &Value, span: Span) -> Eval<()> {
        if let Value::Str(s) = result
            && s.len() > self.limits.max_string_bytes
        {
            return Err(self.limit(Limit::StringSize, self.limits.max_string_bytes, span));
        }
        // The collection called on, and the one made (`split`, `getBytes`...).
        let len = |v: &Value| match v {
            Value::List(l) => l.len(),
            Value::Map(m) => m.len(),
            _ => 0,
        };
        if len(target).max(len(result)) > self.limits.max_collection_len {
            return Err(self.limit(Limit::CollectionSize, self.limits.max_collection_len, span));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Variables

    /// Spends one operation of fuel (running `node`, named in the error when none is left).
    #[inline]
    pub(super) fn burn(&mut self, node: &Node) -> Eval<()> {
        match self.fuel.checked_sub(1) {
            Some(left) => {
                self.fuel = left;
                Ok(())
            }
            None => Err(self.out_of_fuel(node.span())),
        }
    }

    #[cold]
    pub(super) fn out_of_fuel(&self, span: Span) -> Flow {
        self.error(
            ErrorKind::LimitExceeded {
                limit: Limit::Operations,
                max: self.limits.max_operations.unwrap_or(0),
            },
            span,
        )
    }

    pub(super) fn enter(&mut self, span: Span) -> Eval<()> {
        if self.recursion >= self.limits.max_recursion_depth {
            return Err(self.limit(Limit::RecursionDepth, self.limits.max_recursion_depth, span));
        }
        self.recursion += 1;
        Ok(())
    }
}
