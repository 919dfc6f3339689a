//! BUGGIFY fault points and planted bugs for the deterministic simulator (`crates/sim`).
//!
//! `buggify!("name")` marks a spot in production code where another legal behaviour exists
//! (the expire cycle stopping early, a rehash burst, a short SCAN batch). Without the `sim`
//! feature it is the constant `false`, so release builds pay nothing. With it, a run's seed
//! decides which points are enabled at all (about half), and an enabled point fires with the
//! configured probability, drawn from this module's own generator so faults never perturb the
//! engine's random stream. State is thread-local: one simulated run per thread at a time.
//!
//! `planted!("name")` is a deliberate bug (feature `planted-bugs`, and switched on by name at
//! run time), so tests can prove the simulator finds bugs of that kind.

/// Names of the planted bugs, for the simulator's tests and `--planted`.
pub const PLANTED_BUGS: &[&str] = &[
    "lrange-off-by-one",
    "lost-wakeup",
    "exec-ignores-watch",
    "scan-misses-key",
];

/// True when the fault point `name` fires now (always false without the `sim` feature).
#[cfg(feature = "sim")]
#[macro_export]
macro_rules! buggify {
    ($name:literal) => {
        $crate::buggify::fire($name)
    };
}

/// True when the fault point `name` fires now (always false without the `sim` feature).
#[cfg(not(feature = "sim"))]
#[macro_export]
macro_rules! buggify {
    ($name:literal) => {
        false
    };
}

/// True when the planted bug `name` is switched on (always false without `planted-bugs`).
#[cfg(feature = "planted-bugs")]
#[macro_export]
macro_rules! planted {
    ($name:literal) => {
        $crate::buggify::planted_on($name)
    };
}

/// True when the planted bug `name` is switched on (always false without `planted-bugs`).
#[cfg(not(feature = "planted-bugs"))]
#[macro_export]
macro_rules! planted {
    ($name:literal) => {
        false
    };
}

#[cfg(feature = "sim")]
mod faults {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    struct State {
        seed: u64,
        rng: u64,
        fire_pct: u64,
        /// When set, only points whose name starts with one of these may be enabled.
        allow: Option<Vec<String>>,
        /// Per point: enabled this run, and how often it fired.
        points: BTreeMap<&'static str, (bool, u64)>,
    }

    thread_local! {
        static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    }

    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn name_hash(name: &str) -> u64 {
        name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Turns fault injection on for this thread: `seed` picks the enabled points, each fires
    /// with `fire_pct` percent; `allow` (name prefixes) limits which points may be enabled.
    pub fn configure(seed: u64, fire_pct: u64, allow: Option<Vec<String>>) {
        STATE.with(|s| {
            *s.borrow_mut() = Some(State {
                seed,
                rng: mix(seed ^ 0xB0661F1),
                fire_pct,
                allow,
                points: BTreeMap::new(),
            })
        });
    }

    /// Turns fault injection off for this thread.
    pub fn disable() {
        STATE.with(|s| *s.borrow_mut() = None);
    }

    /// Whether the point fires now (see the module doc).
    pub fn fire(name: &'static str) -> bool {
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            let Some(st) = s.as_mut() else {
                return false;
            };
            let allowed = st
                .allow
                .as_ref()
                .is_none_or(|a| a.iter().any(|p| name.starts_with(p.as_str())));
            let seed = st.seed;
            let entry = st
                .points
                .entry(name)
                .or_insert_with(|| (allowed && mix(seed ^ name_hash(name)) & 1 == 0, 0));
            if !entry.0 {
                return false;
            }
            st.rng = mix(st.rng);
            let fired = st.rng % 100 < st.fire_pct;
            if fired {
                st.points.get_mut(name).expect("just inserted").1 += 1;
            }
            fired
        })
    }

    /// The points reached this run: (name, enabled, times fired), by name.
    pub fn report() -> Vec<(&'static str, bool, u64)> {
        STATE.with(|s| {
            s.borrow().as_ref().map_or(Vec::new(), |st| {
                st.points.iter().map(|(n, &(e, c))| (*n, e, c)).collect()
            })
        })
    }
}

#[cfg(feature = "sim")]
pub use faults::{configure, disable, fire, report};

#[cfg(feature = "planted-bugs")]
mod planted_state {
    use std::cell::RefCell;

    thread_local! {
        static ON: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    /// Switches on exactly these planted bugs for this thread (empty: none).
    pub fn set_planted(names: &[&str]) {
        ON.with(|on| *on.borrow_mut() = names.iter().map(|n| n.to_string()).collect());
    }

    pub fn planted_on(name: &str) -> bool {
        ON.with(|on| on.borrow().iter().any(|n| n == name))
    }
}

#[cfg(feature = "planted-bugs")]
pub use planted_state::{planted_on, set_planted};
