//! Data sources: what a resolver calls with the request its template rendered.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// An error a data source returns; the response template sees it as `$ctx.error`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSourceError {
    /// `$ctx.error.message`
    pub message: String,
    /// `$ctx.error.type`, e.g. `DynamoDB:ConditionalCheckFailedException`.
    pub error_type: String,
    /// A result that comes with the error (Lambda error payloads), as `$ctx.result`.
    pub result: Option<serde_json::Value>,
}

impl DataSourceError {
    /// An error with a message and a type.
    pub fn new(message: impl Into<String>, error_type: impl Into<String>) -> DataSourceError {
        DataSourceError {
            message: message.into(),
            error_type: error_type.into(),
            result: None,
        }
    }
}

/// What a data source answers: a result (`$ctx.result`) or an error (`$ctx.error`).
pub type DataSourceResult = Result<serde_json::Value, DataSourceError>;

/// A data source: takes the request document a request template produced and answers.
///
/// Any `Fn(&serde_json::Value) -> DataSourceResult` is one:
///
/// ```
/// use appsync_vtl::{DataSource, DataSourceResult};
/// let echo = |request: &serde_json::Value| -> DataSourceResult { Ok(request["payload"].clone()) };
/// assert_eq!(echo.invoke(&serde_json::json!({"payload": 1})).unwrap(), 1);
/// ```
pub trait DataSource: Send + Sync {
    /// Answers one request.
    fn invoke(&self, request: &serde_json::Value) -> DataSourceResult;

    /// Answers one request without blocking the thread, for
    /// [`Resolver::resolve_async`](crate::Resolver::resolve_async). By default the answer
    /// of [`DataSource::invoke`]; a source that does I/O answers from its own future
    /// ([`DynamoDbDataSource`](crate::resolver::DynamoDbDataSource) does).
    fn invoke_async<'a>(
        &'a self,
        request: &'a serde_json::Value,
    ) -> BoxFuture<'a, DataSourceResult> {
        Box::pin(std::future::ready(self.invoke(request)))
    }

    /// The kind of data source, which decides how its requests are checked.
    fn kind(&self) -> super::DataSourceKind {
        super::DataSourceKind::None
    }
}

/// A boxed future that can move between threads, as an async data source returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A data source that answers asynchronously: for sources that do their I/O in the
/// caller's async runtime. Wrapped in [`Async`], it goes wherever a [`DataSource`] does;
/// [`Resolver::resolve_async`](crate::Resolver::resolve_async) awaits it.
///
/// ```
/// use std::sync::Arc;
/// use appsync_vtl::DataSourceResult;
/// use appsync_vtl::resolver::{Async, AsyncDataSource, BoxFuture};
/// struct Echo;
/// impl AsyncDataSource for Echo {
///     fn invoke<'a>(&'a self, request: &'a serde_json::Value) -> BoxFuture<'a, DataSourceResult> {
///         Box::pin(async move { Ok(request["payload"].clone()) })
///     }
/// }
/// let source: Arc<dyn appsync_vtl::DataSource> = Arc::new(Async(Echo));
/// ```
pub trait AsyncDataSource: Send + Sync {
    /// Answers one request.
    fn invoke<'a>(&'a self, request: &'a serde_json::Value) -> BoxFuture<'a, DataSourceResult>;

    /// The kind of data source, which decides how its requests are checked.
    fn kind(&self) -> super::DataSourceKind {
        super::DataSourceKind::None
    }
}

/// An [`AsyncDataSource`] used as a [`DataSource`]. The blocking
/// [`Resolver::resolve`](crate::Resolver::resolve) polls its future on the calling thread,
/// which suits futures that need no particular runtime; in an async runtime, use
/// [`Resolver::resolve_async`](crate::Resolver::resolve_async).
#[derive(Debug, Clone, Copy, Default)]
pub struct Async<S>(pub S);

impl<S: AsyncDataSource> DataSource for Async<S> {
    fn invoke(&self, request: &serde_json::Value) -> DataSourceResult {
        block_on(self.0.invoke(request))
    }

    fn invoke_async<'a>(
        &'a self,
        request: &'a serde_json::Value,
    ) -> BoxFuture<'a, DataSourceResult> {
        self.0.invoke(request)
    }

    fn kind(&self) -> super::DataSourceKind {
        self.0.kind()
    }
}

/// Runs `future` on this thread, parking it while the future waits (the executor of the
/// standard library's `Wake` documentation).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

impl<F> DataSource for F
where
    F: Fn(&serde_json::Value) -> DataSourceResult + Send + Sync,
{
    fn invoke(&self, request: &serde_json::Value) -> DataSourceResult {
        self(request)
    }
}

/// AppSync's `NONE` data source: the result is the request's `payload`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoneDataSource;

impl DataSource for NoneDataSource {
    fn invoke(&self, request: &serde_json::Value) -> DataSourceResult {
        Ok(request
            .get("payload")
            .cloned()
            .unwrap_or(serde_json::Value::Null))
    }
}

/// A data source for tests: answers with prepared responses in order, and records the
/// requests it was sent.
///
/// ```
/// use appsync_vtl::{CannedDataSource, DataSource};
/// use appsync_vtl::resolver::DataSourceKind;
/// let ds = CannedDataSource::new(DataSourceKind::AmazonDynamoDb, [Ok(serde_json::json!({"id": "1"}))]);
/// assert_eq!(ds.invoke(&serde_json::json!({"operation": "GetItem"})).unwrap()["id"], "1");
/// assert_eq!(ds.requests().len(), 1);
/// ```
#[derive(Debug)]
pub struct CannedDataSource {
    kind: super::DataSourceKind,
    responses: Mutex<VecDeque<DataSourceResult>>,
    requests: Mutex<Vec<serde_json::Value>>,
}

impl CannedDataSource {
    /// A data source of `kind` that answers with `responses`, one per call, in order.
    pub fn new(
        kind: super::DataSourceKind,
        responses: impl IntoIterator<Item = DataSourceResult>,
    ) -> CannedDataSource {
        CannedDataSource {
            kind,
            responses: Mutex::new(responses.into_iter().collect()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl DataSource for CannedDataSource {
    fn invoke(&self, request: &serde_json::Value) -> DataSourceResult {
        if let Ok(mut r) = self.requests.lock() {
            r.push(request.clone());
        }
        let next = self.responses.lock().ok().and_then(|mut r| r.pop_front());
        next.unwrap_or_else(|| {
            Err(DataSourceError::new(
                "the canned data source has no response left for this request",
                "CannedDataSource:Exhausted",
            ))
        })
    }

    fn kind(&self) -> super::DataSourceKind {
        self.kind
    }
}
