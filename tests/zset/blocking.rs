//! BZPOPMIN, BZPOPMAX and BZMPOP: immediate answers, wake-ups from another thread, timeouts.
//! (Arrival order among several waiters is tested inside the crate, where a test can see
//! that a waiter has queued.)

use std::time::{Duration, Instant};

use keyp::{Bytes, Result, ScoreEnd};

use super::{add, error_text, open, scored};

#[test]
fn answers_at_once_when_a_set_is_there() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "b", &[(1.0, "x"), (2.0, "y")])?;
    let forever = Duration::ZERO;
    let got = store.bzpopmin(&["missing", "b"], forever)?;
    assert_eq!(got, Some((Bytes::from("b"), Bytes::from("x"), 1.0)));
    let got = store.bzpopmax(&["b"], forever)?;
    assert_eq!(got, Some((Bytes::from("b"), Bytes::from("y"), 2.0)));
    assert_eq!(store.exists(&["b"])?, 0);
    add(&store, "c", &[(1.0, "x"), (2.0, "y"), (3.0, "z")])?;
    let got = store.bzmpop(forever, &["c"], ScoreEnd::Max, 2)?;
    assert_eq!(
        got,
        Some((Bytes::from("c"), scored(&[("z", 3.0), ("y", 2.0)])))
    );
    let none: [&str; 0] = [];
    assert_eq!(
        error_text(store.bzmpop(forever, &none, ScoreEnd::Min, 1)),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        error_text(store.bzpopmin(&none, forever)),
        "ERR syntax error"
    );
    assert_eq!(
        error_text(store.bzmpop(forever, &["c"], ScoreEnd::Min, 0)),
        "ERR count should be greater than 0"
    );
    Ok(())
}

#[test]
fn a_waiter_is_woken_by_another_thread() -> Result<()> {
    let (_dir, store) = open()?;
    let waiter = {
        let store = store.clone();
        std::thread::spawn(move || store.bzpopmin(&["jobs"], Duration::ZERO))
    };
    let mpop_waiter = {
        let store = store.clone();
        std::thread::spawn(move || store.bzmpop(Duration::ZERO, &["more"], ScoreEnd::Min, 10))
    };
    add(&store, "jobs", &[(1.0, "job")])?;
    add(&store, "more", &[(2.0, "b"), (1.0, "a")])?;
    let got = waiter.join().expect("waiter thread")?;
    assert_eq!(got, Some((Bytes::from("jobs"), Bytes::from("job"), 1.0)));
    let got = mpop_waiter.join().expect("waiter thread")?;
    assert_eq!(
        got,
        Some((Bytes::from("more"), scored(&[("a", 1.0), ("b", 2.0)])))
    );
    assert_eq!(store.exists(&["jobs", "more"])?, 0);
    Ok(())
}

#[test]
fn waiters_are_each_served_once() -> Result<()> {
    let (_dir, store) = open()?;
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || store.bzpopmax(&["q"], Duration::ZERO))
        })
        .collect();
    for i in 0..3 {
        add(&store, "q", &[(f64::from(i), &format!("m{i}"))])?;
    }
    let mut got: Vec<String> = waiters
        .into_iter()
        .map(|w| {
            let (_, member, _) = w.join().expect("waiter thread")?.expect("served");
            Ok(String::from_utf8_lossy(&member).into_owned())
        })
        .collect::<Result<_>>()?;
    got.sort();
    assert_eq!(got, ["m0", "m1", "m2"]);
    Ok(())
}

#[test]
fn timeouts_return_none() -> Result<()> {
    let (_dir, store) = open()?;
    let wait = Duration::from_millis(30);
    let start = Instant::now();
    assert_eq!(store.bzpopmin(&["a", "b"], wait)?, None);
    assert!(start.elapsed() >= wait);
    assert_eq!(store.bzpopmax(&["a"], Duration::from_millis(1))?, None);
    assert_eq!(
        store.bzmpop(Duration::from_millis(1), &["a"], ScoreEnd::Max, 1)?,
        None
    );
    // A write to another key does not end the wait early with a result.
    let waiter = {
        let store = store.clone();
        std::thread::spawn(move || store.bzpopmin(&["a"], Duration::from_millis(50)))
    };
    add(&store, "other", &[(1.0, "x")])?;
    assert_eq!(waiter.join().expect("waiter thread")?, None);
    Ok(())
}
