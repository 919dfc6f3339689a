//! The sequential specification the histories are checked against: a small model of the
//! commands the clients use. Keys are independent (the two counters excepted), so porcupine
//! checks each key's history on its own. Operations with unknown outcome may take effect at any point
//! after their invocation, or never (porcupine may place them last).

use crate::history::{Op, Output, Record};
use porcupine_rs::{CheckResult, Model, Operation};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Group {
    s: Option<Vec<u8>>,
    a: Option<i64>,
    b: Option<i64>,
    l: VecDeque<Vec<u8>>,
    t: BTreeSet<Vec<u8>>,
}

#[derive(Clone)]
pub struct GroupModel;

fn counter(v: Option<i64>) -> Output {
    v.map_or(Output::Nil, |n| Output::Bulk(n.to_string().into_bytes()))
}

/// What `op` answers in state `g`, and the state after it.
fn apply(g: &Group, op: &Op) -> (Output, Group) {
    let mut n = g.clone();
    let out = match op {
        Op::Set(_, v) => {
            n.s = Some(v.clone());
            Output::Ok
        }
        Op::Get(_) => n.s.clone().map_or(Output::Nil, Output::Bulk),
        Op::Append(_, v) => {
            let s = n.s.get_or_insert_with(Vec::new);
            s.extend_from_slice(v);
            Output::Int(s.len() as i64)
        }
        Op::Del(_) => Output::Int(i64::from(n.s.take().is_some())),
        Op::Incr(_) => {
            let a = n.a.unwrap_or(0) + 1;
            n.a = Some(a);
            Output::Int(a)
        }
        Op::Transfer(_, amount) => {
            let a = n.a.unwrap_or(0) - amount;
            let b = n.b.unwrap_or(0) + amount;
            n.a = Some(a);
            n.b = Some(b);
            Output::Arr(vec![Output::Int(a), Output::Int(b)])
        }
        Op::ReadBoth(_) => Output::Arr(vec![counter(n.a), counter(n.b)]),
        Op::LPush(_, v) => {
            n.l.push_front(v.clone());
            Output::Int(n.l.len() as i64)
        }
        Op::RPop(_) => n.l.pop_back().map_or(Output::Nil, Output::Bulk),
        Op::LLen(_) => Output::Int(n.l.len() as i64),
        Op::BLPop(gid, _) => match n.l.pop_front() {
            Some(v) => Output::Arr(vec![
                Output::Bulk(format!("{{{gid}}}l").into_bytes()),
                Output::Bulk(v),
            ]),
            // Timed out: legal only if the list was empty at that point.
            None => Output::Nil,
        },
        Op::SAdd(_, m) => Output::Int(i64::from(n.t.insert(m.clone()))),
        Op::SRem(_, m) => Output::Int(i64::from(n.t.remove(m))),
        Op::SCard(_) => Output::Int(n.t.len() as i64),
        Op::SIsMember(_, m) => Output::Int(i64::from(n.t.contains(m))),
        Op::Cas(_, seen) => {
            if n.a != *seen {
                // EXEC must have been aborted (WATCH saw the change): only Nil fits here.
                return (Output::Nil, n);
            }
            n.a = Some(seen.unwrap_or(0) + 1);
            Output::Arr(vec![Output::Ok])
        }
        // Receiver counts are judged by the pub/sub checker (crate::pubsub), not here.
        Op::Publish(..) => Output::Unknown,
    };
    (out, n)
}

impl Model for GroupModel {
    type State = Group;
    type Op = Record;
    type Metadata = ();

    fn partition_operations(history: &[Operation<Self>]) -> Vec<Vec<Operation<Self>>> {
        let mut by_part: BTreeMap<(u32, u8), Vec<Operation<Self>>> = BTreeMap::new();
        for op in history {
            by_part.entry(op.op.op.part()).or_default().push(op.clone());
        }
        by_part.into_values().collect()
    }

    fn init() -> Group {
        Group::default()
    }

    fn step(state: &Group, rec: &Record) -> (bool, Group) {
        // An aborted CAS changed nothing, and a concurrent write may abort it at any point.
        if matches!(rec.op, Op::Cas(..)) && rec.out == Output::Nil {
            return (true, state.clone());
        }
        let (expected, next) = apply(state, &rec.op);
        let ok = rec.out == Output::Unknown || expected == Output::Unknown || rec.out == expected;
        (ok, next)
    }
}

/// Checks a run's history: no error replies, and linearizable per group.
pub fn check(records: &[Record]) -> Result<(), String> {
    if let Some(r) = records.iter().find(|r| matches!(r.out, Output::Err(_))) {
        return Err(format!("error reply: {r:?}"));
    }
    let ops: Vec<Operation<GroupModel>> = records
        .iter()
        .map(|r| Operation {
            client_id: Some(r.client),
            call_time: r.call,
            return_time: r.ret,
            op: r.clone(),
            metadata: None,
        })
        .collect();
    match porcupine_rs::check_operations_timeout(&ops, Duration::from_secs(60)) {
        CheckResult::Ok => Ok(()),
        CheckResult::Illegal => Err(format!(
            "history of {} operations is not linearizable",
            records.len()
        )),
        CheckResult::Unknown => Err("linearizability check timed out".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(client: u32, call: i64, ret: i64, op: Op, out: Output) -> Record {
        Record {
            client,
            call,
            ret,
            op,
            out,
        }
    }

    #[test]
    fn accepts_overlapping_writes_either_way() {
        let h = vec![
            rec(0, 0, 10, Op::Set(0, b"x".to_vec()), Output::Ok),
            rec(1, 1, 9, Op::Set(0, b"y".to_vec()), Output::Ok),
            rec(2, 11, 12, Op::Get(0), Output::Bulk(b"x".to_vec())),
        ];
        assert!(check(&h).is_ok());
    }

    #[test]
    fn rejects_a_stale_read() {
        let h = vec![
            rec(0, 0, 1, Op::Set(0, b"x".to_vec()), Output::Ok),
            rec(0, 2, 3, Op::Set(0, b"y".to_vec()), Output::Ok),
            rec(1, 4, 5, Op::Get(0), Output::Bulk(b"x".to_vec())),
        ];
        assert!(check(&h).is_err());
    }

    #[test]
    fn rejects_a_torn_transfer() {
        // A reader that sees only half of a completed transfer: MULTI/EXEC was not atomic.
        let h = vec![
            rec(
                0,
                0,
                1,
                Op::Transfer(0, 5),
                Output::Arr(vec![Output::Int(-5), Output::Int(5)]),
            ),
            rec(
                1,
                2,
                3,
                Op::ReadBoth(0),
                Output::Arr(vec![counter(Some(-5)), Output::Nil]),
            ),
        ];
        assert!(check(&h).is_err());
    }

    #[test]
    fn unknown_outcomes_may_or_may_not_happen() {
        let h = vec![
            rec(0, 0, i64::MAX, Op::LPush(0, b"a".to_vec()), Output::Unknown),
            rec(1, 5, 6, Op::LLen(0), Output::Int(0)),
            rec(2, 0, i64::MAX, Op::SAdd(0, b"m".to_vec()), Output::Unknown),
            rec(1, 7, 8, Op::SCard(0), Output::Int(1)),
        ];
        assert!(check(&h).is_ok());
        // ...but a lost wake-up (BLPOP timing out while the list held an element all along) is not.
        let lost = vec![
            rec(0, 0, 1, Op::LPush(0, b"a".to_vec()), Output::Int(1)),
            rec(1, 2, 300, Op::BLPop(0, 100), Output::Nil),
            rec(0, 301, 302, Op::LLen(0), Output::Int(1)),
        ];
        assert!(check(&lost).is_err());
    }
}
