//! The simulated server host: the production connection code (`server::connection::serve`)
//! admission and cron task over turmoil's TCP, around a real engine. Only the accept loop is the
//! simulator's own, because turmoil's listener is not tokio's.

use engine::config::Config;
use engine::{Engine, NullHost};
use server::shared::{Clock, Shared};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub const PORT: u16 = 6379;
/// Unix time at the start of every simulation: fixed, so runs repeat.
const EPOCH_MS: i64 = 1_700_000_000_000;

/// Registers the server host; returns the handle clients use to make its clock jump.
pub fn install(sim: &mut turmoil::Sim<'_>, seed: u64, plan: &crate::Plan) -> Arc<AtomicI64> {
    let mut config = Config::default();
    for (name, value) in [
        (
            "list-max-listpack-size",
            plan.list_max_listpack_size.to_string(),
        ),
        ("hz", plan.hz.to_string()),
    ] {
        config
            .set(name, &value, true)
            .expect("valid simulated config");
    }
    let shards = plan.shards;
    let jump = Arc::new(AtomicI64::new(0));
    let host_jump = jump.clone();
    sim.host("server", move || {
        let jump = host_jump.clone();
        let config = config.clone();
        async move {
            let clock_jump = jump.clone();
            let clock = Clock::Simulated(Arc::new(move || {
                let elapsed = turmoil::sim_elapsed().map_or(0, |d| d.as_millis() as i64);
                EPOCH_MS + elapsed + clock_jump.load(Ordering::Relaxed)
            }));
            let now = clock.now_ms();
            let mut engine = Engine::new(config, seed, now, Box::new(NullHost));
            engine.partition(shards);
            let shared = Shared::with_clock(engine, clock);
            tokio::spawn(server::listener::cron(shared.clone()));
            let listener = turmoil::net::TcpListener::bind(("0.0.0.0", PORT)).await?;
            loop {
                let (stream, peer) = listener.accept().await?;
                let peer = server::admit::Peer {
                    addr: peer.to_string(),
                    laddr: format!("server:{PORT}"),
                    fd: 0,
                    arrival: None,
                };
                tokio::spawn(server::admit::admit(
                    shared.clone(),
                    server::stamped::Plain(stream),
                    peer,
                    |_, _| {},
                ));
            }
        }
    });
    jump
}
