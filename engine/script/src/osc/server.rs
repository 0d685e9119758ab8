//! The UDP side: one socket per address family on the same port (IPv4 `0.0.0.0`, IPv6 `::`
//! v6-only), a receive thread each, and the sockets' clones for replies, so answers come from
//! the port the controller sent to.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam::channel::{Sender, TrySendError};
use socket2::{Domain, Protocol, Socket, Type};

use crate::events::Event;

use super::message::decode;
use super::stats::OscStats;

/// norns' OSC port.
pub const DEFAULT_PORT: u16 = 10111;

/// Sends replies from the server's own sockets.
#[derive(Debug)]
pub struct Replier {
    sockets: Vec<UdpSocket>,
}

impl Replier {
    /// Sends `packet` to `to`; a failure (unreachable host) is not the host's problem.
    pub fn send(&self, to: SocketAddr, packet: &[u8]) {
        let socket = self
            .sockets
            .iter()
            .find(|s| s.local_addr().is_ok_and(|a| a.is_ipv4() == to.is_ipv4()));
        if let Some(s) = socket {
            s.send_to(packet, to).ok();
        }
    }
}

/// Bound sockets, not yet served: bind first (so a taken port is an error before anything
/// starts), hand a [`Replier`] to the Lua thread, then [`Bound::serve`].
pub struct Bound {
    sockets: Vec<UdpSocket>,
}

impl Bound {
    /// Binds `port` on IPv4 and, where the machine has it, IPv6 (0: a free port, the same on
    /// both).
    pub fn bind(port: u16) -> std::io::Result<Bound> {
        let v4 = bind(
            Domain::IPV4,
            SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        )?;
        let port = v4.local_addr()?.port();
        let mut sockets = vec![v4];
        match bind(
            Domain::IPV6,
            SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
        ) {
            Ok(s) => sockets.push(s),
            Err(e) => eprintln!("wyrd: osc: IPv4 only ({e} on [::]:{port})"),
        }
        Ok(Bound { sockets })
    }

    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .collect()
    }

    pub fn replier(&self) -> std::io::Result<Replier> {
        Ok(Replier {
            sockets: self
                .sockets
                .iter()
                .map(UdpSocket::try_clone)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Starts a receive thread per socket, posting to the Lua thread's queue.
    pub fn serve(self, tx: Sender<Event>, stats: Arc<OscStats>) -> std::io::Result<OscServer> {
        let stop = Arc::new(AtomicBool::new(false));
        let addrs = self.addrs();
        let mut threads = vec![];
        for socket in self.sockets {
            socket.set_read_timeout(Some(Duration::from_millis(100)))?;
            let (tx, stats, stop) = (tx.clone(), Arc::clone(&stats), Arc::clone(&stop));
            threads.push(
                std::thread::Builder::new()
                    .name("wyrd-osc".into())
                    .spawn(move || receive(socket, tx, stats, stop))?,
            );
        }
        Ok(OscServer {
            addrs,
            stats,
            stop,
            threads,
        })
    }
}

/// Receive buffer asked of the kernel: a burst arriving while the receive thread is not
/// scheduled waits here instead of being lost (the kernel caps it at `net.core.rmem_max`).
const RECEIVE_BUFFER: usize = 4 << 20;

fn bind(domain: Domain, addr: SocketAddr) -> std::io::Result<UdpSocket> {
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if domain == Domain::IPV6 {
        // The IPv4 socket has IPv4; without this Linux would map it here too and refuse the
        // bind.
        s.set_only_v6(true)?;
    }
    s.set_recv_buffer_size(RECEIVE_BUFFER).ok();
    s.bind(&addr.into())?;
    Ok(s.into())
}

pub struct OscServer {
    addrs: Vec<SocketAddr>,
    stats: Arc<OscStats>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl OscServer {
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    pub fn stats(&self) -> &Arc<OscStats> {
        &self.stats
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            t.join().ok();
        }
    }
}

impl Drop for OscServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn receive(socket: UdpSocket, tx: Sender<Event>, stats: Arc<OscStats>, stop: Arc<AtomicBool>) {
    // The largest UDP payload: a datagram never arrives cut short.
    let mut buf = vec![0u8; 65_536];
    while !stop.load(Ordering::Acquire) {
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(r) => r,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            // An ICMP "port unreachable" from an earlier reply surfaces here on some systems.
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => continue,
            Err(e) => {
                eprintln!("wyrd: osc: receive failed ({e}); still listening");
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        OscStats::count(&stats.packets);
        let groups = match decode(&buf[..n], from) {
            Ok(g) => g,
            Err(why) => {
                stats.problem(
                    &stats.malformed,
                    &format!("malformed packets from {}", from.ip()),
                    &format!("malformed packet ({n} bytes) from {from}: {why}"),
                );
                continue;
            }
        };
        for g in groups {
            let count = g.messages.len() as u64;
            match tx.try_send(Event::Osc(g)) {
                Ok(()) => {
                    stats.messages.fetch_add(count, Ordering::Relaxed);
                }
                // The Lua thread is behind: drop rather than wait, so a flood cannot back up
                // into anything that matters.
                Err(TrySendError::Full(_)) => {
                    stats.dropped.fetch_add(count, Ordering::Relaxed);
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}
