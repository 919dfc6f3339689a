//! Arrival order across I/O threads, for blocking commands.
//!
//! Each connection is served by one I/O thread, so two commands that reach the server on
//! different connections a few microseconds apart can run in either order: the thread of
//! the earlier one may not have been scheduled yet. For most commands that is the ordinary
//! freedom of a concurrent server (a client that waited for a reply is always ordered after
//! it). Blocking commands are different: clients blocked on a key are served first come,
//! first served, and Redis users (and Redis's own test suite) send BLPOPs on several
//! connections and expect them queued in the order sent.
//!
//! So with several I/O threads every read asks the kernel when its data arrived
//! (`SO_TIMESTAMPNS`, crate::stamped), and a thread about to run a batch with a blocking
//! command first waits until no other thread holds input that arrived earlier: neither
//! unread (a level-triggered epoll set of every client socket says where input is unread,
//! a peek at it says when it arrived) nor read and still running (each thread publishes the
//! arrival time of the input its current turn runs). Waiters wait only for earlier arrivals,
//! so two never wait for each other. The wait is bounded (`MAX_WAIT`): a thread stuck
//! elsewhere (a long script) delays nobody for longer. Only blocking commands wait; other
//! commands never look. Linux only; elsewhere the order is as the threads run.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a blocking command waits for earlier input on other threads.
const MAX_WAIT: Duration = Duration::from_millis(20);

thread_local! {
    /// This I/O thread's index (0: the runtime that started the server).
    static THREAD: Cell<usize> = const { Cell::new(0) };
}

/// Records which I/O thread the caller is (at thread start).
pub fn set_thread_index(i: usize) {
    THREAD.with(|t| t.set(i));
}

fn thread_index() -> usize {
    THREAD.with(|t| t.get())
}

/// One thread's state on its own cache line; only its thread writes it.
#[repr(align(128))]
#[derive(Default)]
struct Slot {
    /// Counts turn starts and ends: odd while a turn (input read, its commands running)
    /// is under way.
    seq: AtomicU64,
    /// When the input of the current turn arrived (0: not known yet, or no turn).
    turn_arrival_ns: AtomicI64,
    /// While waiting in `wait_for_earlier`: the arrival time it waits with (0: not waiting).
    waiting_ns: AtomicI64,
}

/// A connection's entry: its thread, and its socket for peeking.
struct Entry {
    thread: usize,
    fd: std::os::fd::RawFd,
}

pub struct Arrivals {
    #[cfg(target_os = "linux")]
    unread: nix::sys::epoll::Epoll,
    /// A socket that asks for timestamps for as long as the server runs: the kernel turns
    /// receive timestamping on a moment after the first socket asks (a deferred switch), so
    /// asking at startup means clients' first packets are stamped too.
    #[cfg(target_os = "linux")]
    _stamping: std::net::UdpSocket,
    slots: Box<[Slot]>,
    conns: Mutex<HashMap<u64, Entry>>,
    next_token: AtomicU64,
}

/// A registered connection; dropping it unregisters it (do it before the socket closes).
pub struct ArrivalGuard {
    arrivals: Arc<Arrivals>,
    token: u64,
}

impl Drop for ArrivalGuard {
    fn drop(&mut self) {
        self.arrivals.lock().remove(&self.token);
    }
}

/// A thread's turn: input being read and run. Ends on drop.
pub struct Turn<'a> {
    slot: Option<&'a Slot>,
}

impl Turn<'_> {
    /// The turn's input arrived at `at_ns` (as the read said).
    pub fn arrived(&self, at_ns: i64) {
        if let Some(slot) = self.slot {
            slot.turn_arrival_ns.store(at_ns, Ordering::Release);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            slot.turn_arrival_ns.store(0, Ordering::Release);
            slot.seq.fetch_add(1, Ordering::Release);
        }
    }
}

impl Arrivals {
    /// For `threads` I/O threads; None when there is nothing to order (one thread) or no
    /// way to (not Linux, or the epoll set cannot be made).
    pub fn new(threads: usize) -> Option<Arc<Arrivals>> {
        if threads < 2 {
            return None;
        }
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            use nix::sys::epoll::{Epoll, EpollCreateFlags};
            use nix::sys::socket::{setsockopt, sockopt::ReceiveTimestampns};
            let unread = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).ok()?;
            let stamping = std::net::UdpSocket::bind("127.0.0.1:0").ok()?;
            setsockopt(&stamping, ReceiveTimestampns, &true).ok()?;
            Some(Arc::new(Arrivals {
                unread,
                _stamping: stamping,
                slots: (0..threads).map(|_| Slot::default()).collect(),
                conns: Mutex::new(HashMap::new()),
                next_token: AtomicU64::new(1),
            }))
        }
        #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a new connection served by the calling thread and asks the kernel to
    /// timestamp its input. None if the socket cannot be watched (it is then not waited
    /// for).
    #[cfg(target_os = "linux")]
    pub fn register(self: &Arc<Self>, socket: &tokio::net::TcpStream) -> Option<ArrivalGuard> {
        use nix::sys::epoll::{EpollEvent, EpollFlags};
        use nix::sys::socket::{setsockopt, sockopt::ReceiveTimestampns};
        use std::os::fd::AsRawFd;
        setsockopt(socket, ReceiveTimestampns, &true).ok()?;
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        let entry = Entry {
            thread: thread_index(),
            fd: socket.as_raw_fd(),
        };
        self.lock().insert(token, entry);
        // Level-triggered: the socket stays ready while input is unread. A socket leaves the
        // set by itself when it closes.
        if self
            .unread
            .add(socket, EpollEvent::new(EpollFlags::EPOLLIN, token))
            .is_err()
        {
            self.lock().remove(&token);
            return None;
        }
        Some(ArrivalGuard {
            arrivals: self.clone(),
            token,
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn register(self: &Arc<Self>, _socket: &tokio::net::TcpStream) -> Option<ArrivalGuard> {
        None
    }

    /// Starts a turn of the calling thread, before it reads: input is never out of sight,
    /// neither unread nor in a turn.
    pub fn turn(&self) -> Turn<'_> {
        let slot = self.slots.get(thread_index());
        if let Some(slot) = slot {
            slot.seq.fetch_add(1, Ordering::Release);
        }
        Turn { slot }
    }

    /// Waits (at most `MAX_WAIT`) until no other I/O thread holds input that arrived before
    /// the calling thread's current turn's (or, not known, before now): unread, or read in
    /// a turn still running.
    pub fn wait_for_earlier(&self) {
        let me = thread_index();
        let Some(own) = self.slots.get(me) else {
            return;
        };
        let start = Instant::now();
        let mine = match own.turn_arrival_ns.load(Ordering::Acquire) {
            0 => unix_ns(),
            at => at,
        };
        own.waiting_ns.store(mine, Ordering::SeqCst);
        // Orders every two threads by arrival (thread index breaks ties).
        let before_me = |at: i64, i: usize| (at, i) < (mine, me);
        loop {
            let unread = self.earliest_unread(me);
            let mut pending = false;
            for (i, slot) in self.slots.iter().enumerate() {
                if i == me {
                    continue;
                }
                let waiting = slot.waiting_ns.load(Ordering::SeqCst);
                if waiting != 0 && !before_me(waiting, i) {
                    // It waits for us, and reads nothing meanwhile.
                    continue;
                }
                let in_turn = slot.seq.load(Ordering::Acquire) % 2 == 1;
                let turn_at = slot.turn_arrival_ns.load(Ordering::Acquire);
                // A turn whose input is not known yet may hold earlier input: wait.
                if in_turn && (turn_at == 0 || before_me(turn_at, i)) {
                    pending = true;
                }
                if unread[i].is_some_and(|at| before_me(at, i)) {
                    pending = true;
                }
            }
            if !pending || start.elapsed() >= MAX_WAIT {
                break;
            }
            std::thread::yield_now();
        }
        own.waiting_ns.store(0, Ordering::SeqCst);
    }

    /// Per thread: when the earliest unread input on its sockets arrived (the calling
    /// thread's own are not looked at).
    #[cfg(target_os = "linux")]
    fn earliest_unread(&self, me: usize) -> Vec<Option<i64>> {
        use nix::sys::epoll::{EpollEvent, EpollTimeout};
        let mut earliest: Vec<Option<i64>> = vec![None; self.slots.len()];
        let mut events = [EpollEvent::empty(); 64];
        let Ok(n) = self.unread.wait(&mut events, EpollTimeout::ZERO) else {
            return earliest;
        };
        // Peek under the lock: a registered socket stays open while its entry exists.
        let conns = self.lock();
        for ev in &events[..n] {
            let Some(entry) = conns.get(&ev.data()) else {
                continue;
            };
            if entry.thread == me || entry.thread >= earliest.len() {
                continue;
            }
            if let Some(at) = peek_arrival_ns(entry.fd) {
                let e = &mut earliest[entry.thread];
                *e = Some(e.map_or(at, |prev| prev.min(at)));
            }
        }
        earliest
    }

    #[cfg(not(target_os = "linux"))]
    fn earliest_unread(&self, _me: usize) -> Vec<Option<i64>> {
        vec![None; self.slots.len()]
    }
}

/// When the first unread byte on `fd` arrived (the kernel's receive timestamp), read without
/// consuming it; None when nothing is unread or the socket says nothing.
#[cfg(target_os = "linux")]
fn peek_arrival_ns(fd: std::os::fd::RawFd) -> Option<i64> {
    use nix::sys::socket::{recvmsg, ControlMessageOwned, MsgFlags};
    use std::io::IoSliceMut;
    let mut byte = [0u8; 1];
    let mut iov = [IoSliceMut::new(&mut byte)];
    let mut space = nix::cmsg_space!(nix::sys::time::TimeSpec);
    let msg = recvmsg::<()>(
        fd,
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_PEEK | MsgFlags::MSG_DONTWAIT,
    )
    .ok()?;
    if msg.bytes == 0 {
        return None;
    }
    let found = msg.cmsgs().ok()?.find_map(|c| match c {
        ControlMessageOwned::ScmTimestampns(ts) => Some(ts.tv_sec() * 1_000_000_000 + ts.tv_nsec()),
        _ => None,
    });
    found
}

fn unix_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}
