//! The standalone server's bounds, apart from serving: the request head and body deadlines,
//! connection shedding (the stalest connection goes when the cap is reached), the write
//! deadline on every socket, and the large-response budget with its send deadline. `standalone`
//! serves requests under them; what each bound is, and why, is in its module docs.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::AbortHandle;
use tokio::time::Sleep;

/// The largest request head (request line and headers) read: hyper answers 431 beyond it.
pub(crate) const MAX_HEAD_BYTES: usize = 32 * 1024;

/// A response larger than this takes its size from the large-response budget.
pub(crate) const LARGE_RESPONSE: usize = 64 * 1024;

/// A large response must be sent whole within this many write timeouts (30 s by default).
const LARGE_RESPONSE_TIMEOUTS: u32 = 3;

/// The budget counts in KiB, so that it fits a semaphore's permits.
const BUDGET_UNIT: usize = 1024;

/// The bounds every connection is served under (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) write_timeout: Duration,
    /// The large-response budget, in [`BUDGET_UNIT`]s, and its size.
    budget: Arc<Semaphore>,
    budget_units: u32,
}

/// A connection as the accept loop sees it: when it last finished a request (or was accepted),
/// in milliseconds since the server started, and how to close it.
#[derive(Debug)]
pub(crate) struct Live {
    pub(crate) last_done: Arc<AtomicU64>,
    pub(crate) abort: AbortHandle,
}

impl Limits {
    /// The bounds of a server: at most `max_connections` at once, the head, body and write
    /// deadlines, and a budget of `large_response_budget` bytes for large responses.
    pub(crate) fn new(
        max_connections: usize,
        header_timeout: Duration,
        body_timeout: Duration,
        write_timeout: Duration,
        large_response_budget: usize,
    ) -> Self {
        let budget_units = u32::try_from(large_response_budget / BUDGET_UNIT)
            .unwrap_or(u32::MAX)
            .clamp(1, u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        Limits {
            max_connections: max_connections.max(1),
            header_timeout,
            body_timeout,
            write_timeout,
            budget: Arc::new(Semaphore::new(budget_units as usize)),
            budget_units,
        }
    }

    /// What a response of `len` bytes takes of the large-response budget: nothing for a small
    /// one, its share (all of it, for one larger than the whole budget) and a send deadline for
    /// a large one; [`Busy`] when the budget cannot give it now.
    pub(crate) fn reserve(&self, len: usize) -> Result<Option<Reserved>, Busy> {
        if len <= LARGE_RESPONSE {
            return Ok(None);
        }
        let units = u32::try_from(len.div_ceil(BUDGET_UNIT))
            .unwrap_or(u32::MAX)
            .min(self.budget_units);
        let permit = Arc::clone(&self.budget)
            .try_acquire_many_owned(units)
            .map_err(|_| Busy)?;
        Ok(Some(Reserved {
            _permit: permit,
            deadline: Instant::now() + self.write_timeout * LARGE_RESPONSE_TIMEOUTS,
        }))
    }
}

/// A large response's share of the budget, held until it is dropped, and the instant by which
/// it must have been sent.
#[derive(Debug)]
pub(crate) struct Reserved {
    _permit: OwnedSemaphorePermit,
    pub(crate) deadline: Instant,
}

/// The large-response budget is spent: answer 503 with `Retry-After`.
#[derive(Debug)]
pub(crate) struct Busy;

/// Closes the connection that has gone longest without finishing a request; its task's id.
pub(crate) fn shed_stalest(live: &mut HashMap<tokio::task::Id, Live>) -> Option<tokio::task::Id> {
    let stalest = live
        .iter()
        .min_by_key(|(_, c)| c.last_done.load(Ordering::Relaxed))
        .map(|(id, _)| *id)?;
    let c = live.remove(&stalest)?;
    c.abort.abort();
    Some(stalest)
}

/// Milliseconds since `epoch`.
pub(crate) fn millis_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A response body, handed to hyper in slices of at most 64 KiB so that hyper takes the next
/// only when it has written the last; it holds its share of the large-response budget until
/// it is dropped (written, or its connection gone).
#[derive(Debug)]
pub(crate) struct OutBody {
    data: Bytes,
    /// A large response holds the budget: it must be sent whole by this instant, so that
    /// clients that read a byte now and then cannot hold the budget for ever.
    budget: Option<Reserved>,
}

impl OutBody {
    pub(crate) fn new(data: Bytes, budget: Option<Reserved>) -> Self {
        Self { data, budget }
    }
}

impl hyper::body::Body for OutBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.data.is_empty() {
            return Poll::Ready(None);
        }
        if let Some(Reserved { deadline, .. }) = &self.budget
            && Instant::now() > *deadline
        {
            // Hyper closes the connection; dropping the body gives the budget back.
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "a large response was not taken in time",
            ))));
        }
        let n = self.data.len().min(LARGE_RESPONSE);
        Poll::Ready(Some(Ok(Frame::data(self.data.split_to(n)))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.len() as u64)
    }
}

/// A connection's socket, whose writes fail with `TimedOut` when the peer has taken nothing
/// for `timeout`: a client that asks for a response and never reads it is dropped, and with
/// it the response it held.
#[derive(Debug)]
pub(crate) struct WriteDeadline<S> {
    io: S,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteDeadline<S> {
    pub(crate) fn new(io: S, timeout: Duration) -> Self {
        Self {
            io,
            timeout,
            stalled: None,
        }
    }

    /// After a write that made no progress: pending until the deadline, then an error.
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let timeout = self.timeout;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client took nothing within the write timeout",
            )),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        r: Poll<std::io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match r {
            Poll::Ready(r) => {
                self.stalled = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.wait(cx).map(Err),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        self.progress(r, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.progress(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_flush(cx);
        self.progress(r, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_shutdown(cx);
        self.progress(r, cx)
    }
}

#[cfg(test)]
mod tests {
    use std::io::IoSlice;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, BufWriter, duplex};

    use super::*;

    /// Long enough for any byte in flight on loopback; a missing byte fails the test after it.
    const PATIENCE: Duration = Duration::from_secs(5);

    async fn read_exactly(peer: &mut tokio::io::DuplexStream, n: usize) -> Vec<u8> {
        let mut got = vec![0; n];
        tokio::time::timeout(PATIENCE, peer.read_exact(&mut got))
            .await
            .expect("the bytes reached the peer")
            .expect("read");
        got
    }

    #[tokio::test]
    async fn writes_reach_the_peer_whole_by_either_path() {
        let (ours, mut peer) = duplex(1024);
        let mut io = WriteDeadline::new(ours, PATIENCE);
        io.write_all(b"plain write").await.unwrap();
        assert_eq!(read_exactly(&mut peer, 11).await, b"plain write");
        let bufs = [IoSlice::new(b"vec"), IoSlice::new(b"tored")];
        let n = io.write_vectored(&bufs).await.unwrap();
        assert!(n > 0);
        assert_eq!(read_exactly(&mut peer, n).await, &b"vectored"[..n]);
        // Reads pass through untouched.
        peer.write_all(b"pong").await.unwrap();
        let mut got = [0u8; 4];
        tokio::time::timeout(PATIENCE, io.read_exact(&mut got))
            .await
            .expect("the peer's bytes came through")
            .unwrap();
        assert_eq!(&got, b"pong");
    }

    /// A socket that writes one buffer at a time (the trait's default for `writev`).
    struct OneBuffer(tokio::io::DuplexStream);

    impl AsyncWrite for OneBuffer {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.0).poll_write(cx, buf)
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_flush(cx)
        }
        fn poll_shutdown(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_shutdown(cx)
        }
    }

    #[test]
    fn it_says_what_its_socket_says_about_vectored_writes() {
        // hyper writes a response in one `writev` when told it may, else flattens it first.
        let (a, _pa) = duplex(64);
        let (b, _pb) = duplex(64);
        assert!(a.is_write_vectored());
        assert!(WriteDeadline::new(a, PATIENCE).is_write_vectored());
        let one = OneBuffer(b);
        assert!(!one.is_write_vectored());
        assert!(!WriteDeadline::new(one, PATIENCE).is_write_vectored());
    }

    #[tokio::test]
    async fn flush_and_shutdown_reach_the_socket() {
        let (ours, mut peer) = duplex(1024);
        let mut io = WriteDeadline::new(BufWriter::new(ours), PATIENCE);
        io.write_all(b"held").await.unwrap();
        // Still in the buffer until flushed.
        let mut probe = [0u8; 4];
        let early = tokio::time::timeout(Duration::from_millis(50), peer.read(&mut probe)).await;
        assert!(early.is_err(), "nothing arrives before the flush");
        io.flush().await.unwrap();
        assert_eq!(read_exactly(&mut peer, 4).await, b"held");
        io.shutdown().await.unwrap();
        let mut rest = Vec::new();
        tokio::time::timeout(PATIENCE, peer.read_to_end(&mut rest))
            .await
            .expect("the peer sees the end")
            .unwrap();
        assert!(rest.is_empty());
    }

    #[tokio::test]
    async fn a_write_the_peer_never_takes_fails_at_the_deadline() {
        let (ours, _peer) = duplex(8);
        let mut io = WriteDeadline::new(ours, Duration::from_millis(50));
        let err = tokio::time::timeout(PATIENCE, io.write_all(&[0; 64]))
            .await
            .expect("the deadline ends the write")
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    }
}
