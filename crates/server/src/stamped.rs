//! Reading a client's input together with the time it arrived: the kernel's receive
//! timestamp (`SO_TIMESTAMPNS`), which orders blocking commands across I/O threads
//! (crate::arrival). A TCP socket on Linux reads with `recvmsg` and gets the timestamp; any
//! other stream (the simulator's, say) reads as usual and says nothing.

use bytes::{BufMut, BytesMut};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};

/// A client connection's stream.
pub trait ClientStream: AsyncRead + AsyncWrite + Unpin {
    /// Reads into `buf`'s spare room as `read_buf` does; with `stamp`, also says when the
    /// data arrived (nanoseconds since the epoch), where the stream can tell.
    fn poll_read_stamped(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
        stamp: bool,
    ) -> Poll<io::Result<(usize, Option<i64>)>> {
        let _ = stamp;
        plain_read(self, cx, buf)
    }
}

/// `read_buf` polled once (a fresh future per poll: it holds no state, and a pending read
/// consumed nothing).
fn plain_read<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    cx: &mut Context<'_>,
    buf: &mut BytesMut,
) -> Poll<io::Result<(usize, Option<i64>)>> {
    let fut = stream.read_buf(buf);
    tokio::pin!(fut);
    fut.poll(cx).map_ok(|n| (n, None))
}

/// Any stream, read without timestamps (the simulator wraps its streams in it).
pub struct Plain<S>(pub S);

impl<S: AsyncRead + Unpin> AsyncRead for Plain<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Plain<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, data)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> ClientStream for Plain<S> {}

impl ClientStream for tokio::net::TcpStream {
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    fn poll_read_stamped(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
        stamp: bool,
    ) -> Poll<io::Result<(usize, Option<i64>)>> {
        if !stamp {
            return plain_read(self, cx, buf);
        }
        use std::os::fd::AsRawFd;
        loop {
            std::task::ready!(self.poll_read_ready(cx))?;
            let fd = self.as_raw_fd();
            match self.try_io(tokio::io::Interest::READABLE, || recv_stamped(fd, buf)) {
                // try_io cleared the readiness: wait for the next.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return Poll::Ready(r),
            }
        }
    }
}

/// One `recvmsg` into `buf`'s spare room, asking for the receive timestamp.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn recv_stamped(fd: std::os::fd::RawFd, buf: &mut BytesMut) -> io::Result<(usize, Option<i64>)> {
    if buf.capacity() == buf.len() {
        buf.reserve(64);
    }
    let len = buf.len();
    let spare = buf.spare_capacity_mut();
    let mut iov = libc::iovec {
        iov_base: spare.as_mut_ptr().cast(),
        iov_len: spare.len(),
    };
    // Room for one control message with a timespec: a header (len, level, type) and the
    // two 64-bit fields, as 64-bit words (so aligned for the header).
    let mut control = [0u64; 8];
    // SAFETY: an all-zero msghdr is a valid value (null name, no iovec, no control).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: `msg` points to one iovec covering exactly `buf`'s spare capacity and to
    // `control` with its exact size; both outlive the call, and the kernel writes at most
    // those lengths there. No name buffer is given.
    let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let n = n as usize;
    // SAFETY: recvmsg initialized the first `n` bytes of the spare capacity (n <= its
    // length), so the buffer's first `len + n` bytes are initialized.
    unsafe { buf.advance_mut(n) };
    debug_assert!(buf.len() == len + n);
    Ok((n, timestamp(&control, msg.msg_controllen)))
}

/// The `SCM_TIMESTAMPNS` message in `control` (Linux 64-bit layout: `cmsg_len` as a word,
/// level and type as 32-bit halves of the next, then the timespec's seconds and
/// nanoseconds), if that is what the kernel put there.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn timestamp(control: &[u64; 8], used: usize) -> Option<i64> {
    if used < 32 || (control[0] as usize) < 32 {
        return None;
    }
    let level = control[1] as u32 as i32;
    let kind = (control[1] >> 32) as u32 as i32;
    if level != libc::SOL_SOCKET || kind != libc::SCM_TIMESTAMPNS {
        return None;
    }
    Some((control[2] as i64).saturating_mul(1_000_000_000) + control[3] as i64)
}

#[cfg(all(test, target_os = "linux", target_pointer_width = "64"))]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_read_says_when_its_data_arrived() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        nix::sys::socket::setsockopt(
            &server,
            nix::sys::socket::sockopt::ReceiveTimestampns,
            &true,
        )
        .unwrap();
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        // The kernel turns timestamping on a moment after the first socket asks for it
        // (a deferred switch): the first packets may come without one.
        let mut stamped = None;
        for _ in 0..100 {
            client.write_all(b"PING\r\n").await.unwrap();
            let mut buf = BytesMut::new();
            let (n, at) = std::future::poll_fn(|cx| server.poll_read_stamped(cx, &mut buf, true))
                .await
                .unwrap();
            assert_eq!((n, &buf[..]), (6, &b"PING\r\n"[..]));
            if at.is_some() {
                stamped = at;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let at = stamped.expect("a timestamp");
        assert!(
            at >= before && at < before + 5_000_000_000,
            "{at} vs {before}"
        );
        let mut buf = BytesMut::new();
        // Unstamped reads still read.
        client.write_all(b"x").await.unwrap();
        let (n, at) = std::future::poll_fn(|cx| server.poll_read_stamped(cx, &mut buf, false))
            .await
            .unwrap();
        assert_eq!((n, at), (1, None));
    }
}
