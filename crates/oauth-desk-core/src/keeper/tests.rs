//! The keeper under tokio's paused clock: time only moves when every task sleeps, so due times,
//! backoff and wake-up counts are exact.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;

const START: i64 = 1_000_000;

type Outcome = Result<Option<Plan>, RenewError>;

fn slot(key: &str) -> Slot {
    Slot::parse(key).expect("a provider name is a slot key")
}

/// Renewals scripted per provider; records when each happened (seconds since start).
#[derive(Default)]
struct Fake {
    plans: Mutex<Vec<Plan>>,
    script: Mutex<HashMap<String, VecDeque<Outcome>>>,
    calls: Mutex<Vec<(String, i64)>>,
}

impl Fake {
    fn plan(provider: &str, due_in: i64, expires_in: Option<i64>) -> Plan {
        Plan {
            provider: slot(provider),
            due_at: START + due_in,
            expires_at: expires_in.map(|e| START + e),
            renewable: true,
        }
    }

    fn script(&self, provider: &str, results: Vec<Outcome>) {
        self.script
            .lock()
            .unwrap()
            .insert(provider.into(), results.into());
    }

    fn calls(&self) -> Vec<(String, i64)> {
        self.calls.lock().unwrap().clone()
    }
}

fn clock(max_sleep: Option<Duration>) -> KeeperClock {
    let start = tokio::time::Instant::now();
    KeeperClock {
        now: Arc::new(move || START + start.elapsed().as_secs() as i64),
        max_sleep,
    }
}

fn elapsed_now(started: tokio::time::Instant) -> i64 {
    started.elapsed().as_secs() as i64
}

impl Renewer for Fake {
    async fn plans(&self) -> Vec<Plan> {
        self.plans.lock().unwrap().clone()
    }

    async fn renew(&self, provider: &Slot) -> Outcome {
        let at = CLOCK_ORIGIN.with(|o| o.get()).map_or(0, elapsed_now);
        self.calls.lock().unwrap().push((provider.to_string(), at));
        self.script
            .lock()
            .unwrap()
            .get_mut(provider.as_str())
            .and_then(VecDeque::pop_front)
            .unwrap_or(Ok(None))
    }
}

thread_local! {
    static CLOCK_ORIGIN: std::cell::Cell<Option<tokio::time::Instant>> = const { std::cell::Cell::new(None) };
}

fn start_clock() {
    CLOCK_ORIGIN.with(|o| o.set(Some(tokio::time::Instant::now())));
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn renews_exactly_when_due_and_follows_the_next_plan() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans
        .lock()
        .unwrap()
        .push(Fake::plan("a", 100, Some(130)));
    fake.script(
        "a",
        vec![Ok(Some(Fake::plan("a", 200, Some(230)))), Ok(None)],
    );
    let (handle, task) = spawn(fake.clone(), clock(None));
    let mut events = handle.subscribe();
    tokio::time::sleep(Duration::from_secs(1000)).await;
    handle.stop();
    let stats = task.await.unwrap();
    assert_eq!(fake.calls(), [("a".to_owned(), 100), ("a".to_owned(), 200)]);
    assert_eq!(
        stats,
        KeeperStats {
            wakeups: 2,
            idle_wakeups: 0,
            renewals: 2
        },
        "no wake-up but the two renewals"
    );
    assert_eq!(
        events.recv().await.unwrap(),
        KeeperEvent::Refreshed {
            provider: slot("a"),
            expires_at: Some(START + 230)
        }
    );
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn nothing_scheduled_means_no_wake_up_at_all() {
    start_clock();
    let fake = Arc::new(Fake::default());
    let (handle, task) = spawn(fake.clone(), clock(Some(Duration::from_secs(600))));
    tokio::time::sleep(Duration::from_secs(10 * 3600)).await;
    handle.stop();
    assert_eq!(task.await.unwrap().wakeups, 0);
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn a_capped_sleep_wakes_rarely_and_still_renews_on_time() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans.lock().unwrap().push(Fake::plan("a", 3600, None));
    let (handle, task) = spawn(fake.clone(), clock(Some(Duration::from_secs(600))));
    tokio::time::sleep(Duration::from_secs(4000)).await;
    handle.stop();
    let stats = task.await.unwrap();
    assert_eq!(fake.calls(), [("a".to_owned(), 3600)]);
    assert_eq!(
        stats.wakeups, 6,
        "one wake-up per 10 minutes at most: {stats:?}"
    );
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn rearm_takes_a_new_schedule_at_once() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans.lock().unwrap().push(Fake::plan("a", 5000, None));
    let (handle, task) = spawn(fake.clone(), clock(None));
    tokio::time::sleep(Duration::from_secs(10)).await;
    // A new sign-in: b is due 20 s from the start.
    fake.plans.lock().unwrap().push(Fake::plan("b", 20, None));
    handle.rearm();
    tokio::time::sleep(Duration::from_secs(100)).await;
    handle.stop();
    task.await.unwrap();
    assert_eq!(fake.calls(), [("b".to_owned(), 20)]);
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn transient_failures_back_off_and_warn_before_expiry() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans
        .lock()
        .unwrap()
        .push(Fake::plan("a", 10, Some(40)));
    let transient = || Err(RenewError::Transient("HTTP 500".into()));
    fake.script("a", vec![transient(), transient(), transient(), Ok(None)]);
    let (handle, task) = spawn(fake.clone(), clock(None));
    let mut events = handle.subscribe();
    tokio::time::sleep(Duration::from_secs(1000)).await;
    handle.stop();
    task.await.unwrap();
    let times: Vec<i64> = fake.calls().iter().map(|(_, t)| *t).collect();
    assert_eq!(times.len(), 4);
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    for (gap, nominal) in gaps.iter().zip([5, 10, 20]) {
        assert!(
            (nominal * 8 / 10..=nominal * 12 / 10 + 1).contains(gap),
            "gaps {gaps:?} should be about 5, 10, 20 s"
        );
    }
    let mut seen = Vec::new();
    while let Ok(e) = events.try_recv() {
        seen.push(e);
    }
    assert!(seen.iter().any(
        |e| matches!(e, KeeperEvent::RefreshFailed { retry_in_secs, .. } if *retry_in_secs >= 4)
    ));
    assert!(
        seen.iter().any(|e| matches!(
            e,
            KeeperEvent::ExpiringSoon { .. } | KeeperEvent::Expired { .. }
        )),
        "the token expires (at 40 s) before a retry: the keeper says so: {seen:?}"
    );
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn a_refused_grant_stops_renewals_and_says_sign_in_needed() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans
        .lock()
        .unwrap()
        .push(Fake::plan("a", 10, Some(40)));
    fake.script(
        "a",
        vec![Err(RenewError::Fatal {
            reason: "invalid_grant".into(),
            sign_in_needed: true,
        })],
    );
    let (handle, task) = spawn(fake.clone(), clock(None));
    let mut events = handle.subscribe();
    tokio::time::sleep(Duration::from_secs(1000)).await;
    handle.stop();
    let stats = task.await.unwrap();
    assert_eq!(
        fake.calls().len(),
        1,
        "no retry with a refused refresh token"
    );
    assert_eq!(stats.wakeups, 1);
    assert_eq!(
        events.recv().await.unwrap(),
        KeeperEvent::SignInNeeded {
            provider: slot("a"),
            reason: "invalid_grant".into()
        }
    );
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn a_token_that_cannot_be_renewed_is_announced_not_renewed() {
    start_clock();
    let fake = Arc::new(Fake::default());
    let mut plan = Fake::plan("a", 30, Some(60));
    plan.renewable = false;
    fake.plans.lock().unwrap().push(plan);
    let (handle, task) = spawn(fake.clone(), clock(None));
    let mut events = handle.subscribe();
    tokio::time::sleep(Duration::from_secs(1000)).await;
    handle.stop();
    let stats = task.await.unwrap();
    assert!(fake.calls().is_empty(), "nothing to renew with");
    assert_eq!(stats.wakeups, 2);
    assert_eq!(
        events.recv().await.unwrap(),
        KeeperEvent::ExpiringSoon {
            provider: slot("a"),
            expires_at: START + 60
        }
    );
    assert_eq!(
        events.recv().await.unwrap(),
        KeeperEvent::Expired {
            provider: slot("a")
        }
    );
}

#[test]
fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
    for seed in 0..50 {
        let first = backoff(0, seed).as_millis();
        assert!((4000..=6000).contains(&first), "{first}");
        let capped = backoff(20, seed).as_millis();
        assert!((240_000..=360_000).contains(&capped), "{capped}");
    }
    assert_ne!(backoff(3, 1), backoff(3, 2), "jitter spreads retries");
}

#[tokio::test(start_paused = true, flavor = "current_thread")]
async fn a_rearm_keeps_a_backoff_of_unchanged_tokens() {
    start_clock();
    let fake = Arc::new(Fake::default());
    fake.plans
        .lock()
        .unwrap()
        .push(Fake::plan("a", 100, Some(1000)));
    fake.script(
        "a",
        vec![
            Err(RenewError::Transient("down".into())),
            Ok(Some(Fake::plan("a", 900, Some(1000)))),
        ],
    );
    let (handle, task) = spawn(fake.clone(), clock(None));
    tokio::time::sleep(Duration::from_secs(101)).await;
    // Something else changed (another provider signed in): the schedule is reloaded.
    handle.rearm();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        fake.calls().len(),
        1,
        "a re-arm must not turn the backoff into an immediate retry"
    );
    tokio::time::sleep(Duration::from_secs(20)).await;
    handle.stop();
    task.await.unwrap();
    let calls = fake.calls();
    assert_eq!(calls.len(), 2, "the retry still comes, after its backoff");
    assert!(
        (104..=106).contains(&calls[1].1),
        "retried 5 s ± 20 % after the failure, not at the re-arm: {calls:?}"
    );
}
