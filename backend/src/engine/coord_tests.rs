//! The coordinator's decisions with a fake clock and a fake filesystem: each control, each
//! transition of the job and its actions, each operation's preconditions.

use std::cell::RefCell;
use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use shared::api::{CoordActionStatus as A, CoordStatus as S, JobStatus};
use shared::coord::resolve::resolve;
use shared::coord::xml::from_coordinator_xml;
use shared::time::parse_oozie_time;

use super::*;

fn t(text: &str) -> DateTime<Utc> {
    parse_oozie_time(text).unwrap()
}

/// Paths that exist.
#[derive(Default)]
struct Files(RefCell<BTreeSet<String>>);

impl Files {
    fn add(&self, path: &str) {
        self.0.borrow_mut().insert(path.to_owned());
    }
}

impl DataCheck for Files {
    fn check(&self, path: &str) -> Presence {
        if path.starts_with("hdfs://") {
            Presence::Unknown("hdfs:// cannot be checked on this server".to_owned())
        } else if self.0.borrow().contains(path) {
            Presence::Present
        } else {
            Presence::Absent
        }
    }
}

/// An hourly coordinator for 2026-01-01 (UTC) with these controls and, if `input`, a
/// data-in on an hourly dataset of `file:///data/HOUR` (instance `input`).
fn coordinator(controls: &str, input: Option<&str>) -> CoordJob {
    coordinator_on("file:///data/${HOUR}", controls, input, "")
}

fn coordinator_on(template: &str, controls: &str, input: Option<&str>, logic: &str) -> CoordJob {
    let c = definition(template, controls, input, logic);
    let job = resolve(&c, &[], &c.properties(), "alice").expect("resolves");
    CoordJob::new(7, job, c.input_logic.clone())
}

fn definition(
    template: &str,
    controls: &str,
    input: Option<&str>,
    logic: &str,
) -> shared::coord::Coordinator {
    let events = match input {
        Some(instance) => format!(
            r#"<datasets><dataset name="logs" frequency="${{coord:hours(1)}}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>{template}</uri-template></dataset>
               <dataset name="alt" frequency="${{coord:hours(1)}}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>file:///alt/${{HOUR}}</uri-template></dataset></datasets>
               <input-events><data-in name="in" dataset="logs"><instance>{instance}</instance></data-in>
               <data-in name="other" dataset="alt"><instance>${{coord:current(0)}}</instance></data-in></input-events>{logic}"#
        ),
        None => String::new(),
    };
    let xml = format!(
        r#"<coordinator-app name="c" frequency="${{coord:hours(1)}}" start="2026-01-01T00:00Z" end="2026-01-02T00:00Z" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <controls>{controls}</controls>{events}
  <action><workflow><app-path>wf</app-path><configuration><property><name>hour</name><value>${{coord:formatTime(coord:nominalTime(), 'HH')}}</value></property></configuration></workflow></action>
</coordinator-app>"#
    );
    from_coordinator_xml(&xml, &|_| None)
        .expect("valid coordinator")
        .coordinator
}

fn statuses(c: &CoordJob) -> Vec<(u64, A)> {
    c.actions.values().map(|a| (a.number, a.status)).collect()
}

#[test]
fn actions_materialize_as_their_time_comes_and_catch_up_in_order_within_the_throttle() {
    let mut c = coordinator("<throttle>3</throttle>", Some("${coord:current(0)}"));
    let files = Files::default();
    let fx = c.step(t("2025-12-31T23:00Z"), &files);
    assert_eq!(c.status, S::Prep, "before its start");
    assert!(c.actions.is_empty() && fx.actions.is_empty());
    assert_eq!(
        c.next_wake(t("2025-12-31T23:00Z"), TimeDelta::seconds(5)),
        Some(t("2026-01-01T00:00Z"))
    );

    // The server was down until 05:30: six slots are due, three may wait at once.
    let fx = c.step(t("2026-01-01T05:30Z"), &files);
    assert_eq!(c.status, S::Running);
    assert_eq!(fx.actions, [1, 2, 3]);
    let a = &c.actions[&1];
    assert_eq!(a.nominal, t("2026-01-01T00:00Z"));
    assert_eq!(a.created, t("2026-01-01T05:30Z"), "coord:actualTime()");
    assert_eq!(a.configuration["hour"], "00");
    assert_eq!(a.inputs["in"], ["file:///data/00"]);
    assert_eq!(a.status, A::Waiting);
    assert_eq!(
        a.missing.as_deref(),
        Some("in: file:///data/00/_SUCCESS is not there"),
        "the default done-flag"
    );

    // Data for 00 and 01 arrives: they leave the waiting list and the next slots follow.
    files.add("file:///data/00/_SUCCESS");
    files.add("file:///alt/00/_SUCCESS");
    files.add("file:///data/01/_SUCCESS");
    files.add("file:///alt/01/_SUCCESS");
    let fx = c.step(t("2026-01-01T05:31Z"), &files);
    assert_eq!(
        fx.submit,
        [1],
        "concurrency 1 by default, oldest first (FIFO)"
    );
    assert_eq!(c.actions[&2].status, A::Ready);
    let fx = c.step(t("2026-01-01T05:32Z"), &files);
    assert_eq!(fx.actions, [4, 5], "two places freed in the throttle");
    assert_eq!(c.actions[&5].nominal, t("2026-01-01T04:00Z"));
    let fx = c.step(t("2026-01-01T05:33Z"), &files);
    assert_eq!(fx.actions, Vec::<u64>::new(), "06:00 has not come");
}

#[test]
fn ready_actions_run_under_the_concurrency_in_fifo_or_lifo_order() {
    for (execution, first) in [("FIFO", [1, 2]), ("LIFO", [4, 3])] {
        let mut c = coordinator(
            &format!("<concurrency>2</concurrency><execution>{execution}</execution>"),
            None,
        );
        let files = Files::default();
        let fx = c.step(t("2026-01-01T03:10Z"), &files);
        assert_eq!(fx.submit, first, "{execution}");
        c.started(first[0], 100, t("2026-01-01T03:10Z"));
        c.started(first[1], 101, t("2026-01-01T03:10Z"));
        assert!(c.step(t("2026-01-01T03:11Z"), &files).submit.is_empty());
        assert_eq!(
            c.instance_changed(100, JobStatus::Succeeded, None, t("2026-01-01T03:12Z")),
            Some(first[0])
        );
        let fx = c.step(t("2026-01-01T03:12Z"), &files);
        assert_eq!(fx.submit.len(), 1, "{execution}: one place freed");
    }
}

#[test]
fn an_action_follows_its_workflow_rerun_directly() {
    let mut c = coordinator("", None);
    let files = Files::default();
    c.step(t("2026-01-01T03:10Z"), &files);
    c.started(1, 100, t("2026-01-01T03:10Z"));
    let killed = Some("failed at load".to_owned());
    assert_eq!(
        c.instance_changed(100, JobStatus::Killed, killed, t("2026-01-01T03:11Z")),
        Some(1)
    );
    assert_eq!(c.actions[&1].status, A::Killed);
    // The workflow's failed nodes are rerun: the action runs again, then succeeds.
    let at = t("2026-01-01T03:12Z");
    assert_eq!(
        c.instance_changed(100, JobStatus::Running, None, at),
        Some(1)
    );
    assert_eq!(
        (c.actions[&1].status, c.actions[&1].error_message.as_deref()),
        (A::Running, None)
    );
    assert_eq!(
        c.instance_changed(100, JobStatus::Succeeded, None, at),
        Some(1)
    );
    assert_eq!(c.actions[&1].status, A::Succeeded);
    // A status an ended action cannot come back from is still ignored.
    assert_eq!(c.instance_changed(100, JobStatus::Killed, None, at), None);
}

#[test]
fn a_waiting_action_times_out_after_its_timeout_in_whole_minutes() {
    let mut c = coordinator("<timeout>10</timeout>", Some("${coord:current(0)}"));
    let files = Files::default();
    c.step(t("2026-01-01T00:00Z"), &files);
    c.step(t("2026-01-01T00:10Z"), &files);
    assert_eq!(
        c.actions[&1].status,
        A::Waiting,
        "10 minutes is not more than 10"
    );
    c.step(t("2026-01-01T00:11Z"), &files);
    let a = &c.actions[&1];
    assert_eq!(a.status, A::TimedOut);
    assert!(
        a.error_message
            .as_deref()
            .unwrap()
            .contains("no data within 10 minutes"),
        "{a:?}"
    );
}

#[test]
fn data_this_server_cannot_see_is_said_so_and_never_a_crash() {
    let mut c = coordinator_on(
        "hdfs://nn/data/${HOUR}",
        "",
        Some("${coord:current(0)}"),
        "",
    );
    c.step(t("2026-01-01T00:05Z"), &Files::default());
    let a = &c.actions[&1];
    assert_eq!(a.status, A::Waiting);
    assert_eq!(
        a.missing.as_deref(),
        Some("in: hdfs:// cannot be checked on this server")
    );
}

#[test]
fn latest_is_the_newest_instance_whose_data_exists() {
    let mut c = coordinator("", Some("${coord:latest(0)}"));
    let files = Files::default();
    files.add("file:///alt/02/_SUCCESS");
    c.step(t("2026-01-01T02:00Z"), &files);
    assert_eq!(c.actions[&3].inputs["in"], ["${coord:latest(0)}"]);
    assert_eq!(c.actions[&3].status, A::Waiting);
    files.add("file:///data/23/_SUCCESS");
    c.step(t("2026-01-01T02:01Z"), &files);
    assert_eq!(
        c.actions[&3].inputs["in"],
        ["file:///data/23"],
        "found going back from the creation time"
    );
    assert_eq!(c.actions[&3].status, A::Submitted);
}

#[test]
fn input_logic_or_needs_one_of_its_inputs() {
    let logic = r#"<input-logic><or name="either"><data-in dataset="in"/><data-in dataset="other"/></or></input-logic>"#;
    let mut c = coordinator_on(
        "file:///data/${HOUR}",
        "",
        Some("${coord:current(0)}"),
        logic,
    );
    let files = Files::default();
    c.step(t("2026-01-01T00:00Z"), &files);
    assert_eq!(c.actions[&1].status, A::Waiting);
    files.add("file:///alt/00/_SUCCESS");
    let fx = c.step(t("2026-01-01T00:01Z"), &files);
    assert_eq!(fx.submit, [1], "the second input is enough");
}

#[test]
fn last_only_and_none_skip_what_is_late() {
    let mut c = coordinator(
        "<execution>LAST_ONLY</execution><concurrency>1</concurrency>",
        None,
    );
    let files = Files::default();
    c.step(t("2026-01-01T02:30Z"), &files);
    assert_eq!(
        statuses(&c),
        [(1, A::Skipped), (2, A::Skipped), (3, A::Submitted)],
        "only the last due runs"
    );

    let mut c = coordinator("<execution>NONE</execution>", None);
    c.step(t("2026-01-01T00:00Z"), &files);
    c.started(1, 1, t("2026-01-01T00:00Z"));
    c.step(t("2026-01-01T01:00Z"), &files);
    assert_eq!(c.actions[&2].status, A::Ready, "its time, but no room");
    c.step(t("2026-01-01T01:02Z"), &files);
    assert_eq!(c.actions[&2].status, A::Skipped, "more than a minute late");
}

#[test]
fn the_job_ends_with_the_roll_up_of_its_actions() {
    let files = Files::default();
    let run_all = |c: &mut CoordJob, last: JobStatus| {
        let mut now = t("2026-01-01T00:00Z");
        let mut instance = 0;
        while !c.status.is_terminal() {
            let fx = c.step(now, &files);
            for n in fx.submit {
                instance += 1;
                c.started(n, instance, now);
                let status = if n == 24 { last } else { JobStatus::Succeeded };
                c.instance_changed(instance, status, None, now);
            }
            now += TimeDelta::minutes(30);
            assert!(now < t("2026-01-03T00:00Z"), "never ended: {:?}", c.status);
        }
        c.actions.len()
    };
    let mut c = coordinator("", None);
    assert_eq!(
        run_all(&mut c, JobStatus::Succeeded),
        24,
        "the end is exclusive"
    );
    assert_eq!(c.status, S::Succeeded);
    let mut c = coordinator("", None);
    run_all(&mut c, JobStatus::Failed);
    assert_eq!(c.status, S::DoneWithError);
}

#[test]
fn suspend_resume_and_kill_follow_oozies_states_and_codes() {
    let files = Files::default();
    let mut c = coordinator("", None);
    let fx = c.suspend(t("2025-12-01T00:00Z")).unwrap();
    assert_eq!(c.status, S::PrepSuspended);
    assert!(fx.suspend.is_empty());
    c.step(t("2026-01-01T05:00Z"), &files);
    assert!(c.actions.is_empty(), "a suspended job materializes nothing");
    c.resume(t("2026-01-01T05:00Z")).unwrap();
    assert_eq!(c.status, S::Prep);
    c.step(t("2026-01-01T05:00Z"), &files);
    assert_eq!(c.actions.len(), 6, "missed actions come: delayed, not lost");
    c.started(1, 41, t("2026-01-01T05:00Z"));

    let fx = c.suspend(t("2026-01-01T05:01Z")).unwrap();
    assert_eq!(c.status, S::Suspended);
    assert_eq!(fx.suspend, [41], "its running workflow is suspended too");
    assert_eq!(c.actions[&1].status, A::Suspended);
    assert_eq!(c.resume(t("2026-01-01T05:02Z")).unwrap().resume, [41]);
    assert_eq!(c.resume(t("2026-01-01T05:02Z")).unwrap_err().code, "E1100");

    let fx = c.kill(t("2026-01-01T05:03Z")).unwrap();
    assert_eq!(c.status, S::Killed);
    assert_eq!(fx.kill, [41]);
    assert!(c.actions.values().all(|a| a.status == A::Killed));
    assert_eq!(c.kill(t("2026-01-01T05:04Z")).unwrap_err().code, "E1020");
    assert_eq!(c.suspend(t("2026-01-01T05:04Z")).unwrap_err().code, "E0728");
    assert_eq!(
        c.change(&Change::default(), t("2026-01-01T05:04Z"))
            .unwrap_err()
            .code,
        "E1016"
    );
}

#[test]
fn a_change_of_end_takes_back_actions_not_started_and_refuses_the_others() {
    let files = Files::default();
    let mut c = coordinator("<concurrency>1</concurrency>", Some("${coord:current(0)}"));
    c.step(t("2026-01-01T03:00Z"), &files);
    files.add("file:///data/00/_SUCCESS");
    files.add("file:///alt/00/_SUCCESS");
    c.step(t("2026-01-01T03:01Z"), &files);
    c.started(1, 9, t("2026-01-01T03:01Z"));
    let e = c
        .change(
            &Change {
                end: Some(t("2026-01-01T00:00Z")),
                ..Change::default()
            },
            t("2026-01-01T03:02Z"),
        )
        .unwrap_err();
    assert_eq!(e.code, "E1022", "{e}");
    assert_eq!(c.actions.len(), 4, "nothing changed");
    let fx = c
        .change(
            &Change {
                end: Some(t("2026-01-01T02:00Z")),
                concurrency: Some(3),
                ..Change::default()
            },
            t("2026-01-01T03:02Z"),
        )
        .unwrap();
    assert_eq!(fx.deleted, [3, 4]);
    assert_eq!(c.job.controls.concurrency, 3);
    c.instance_changed(9, JobStatus::Succeeded, None, t("2026-01-01T03:03Z"));
    files.add("file:///data/01/_SUCCESS");
    files.add("file:///alt/01/_SUCCESS");
    let fx = c.step(t("2026-01-01T03:04Z"), &files);
    assert_eq!(fx.submit, [2]);
    assert!(fx.actions.iter().all(|n| *n <= 2), "none after the new end");
    c.started(2, 10, t("2026-01-01T03:04Z"));
    c.instance_changed(10, JobStatus::Succeeded, None, t("2026-01-01T03:05Z"));
    c.step(t("2026-01-01T03:05Z"), &files);
    assert_eq!(c.status, S::Succeeded);

    // A later end brings it back to life.
    c.change(
        &Change {
            end: Some(t("2026-01-01T04:00Z")),
            ..Change::default()
        },
        t("2026-01-01T03:06Z"),
    )
    .unwrap();
    assert_eq!(c.status, S::Running);
    c.step(t("2026-01-01T03:06Z"), &files);
    assert_eq!(c.actions.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
}

#[test]
fn a_pause_stops_materialization_until_it_is_moved() {
    let files = Files::default();
    let mut c = coordinator("", None);
    c.change(
        &Change {
            pause: Some(Some(t("2026-01-01T02:00Z"))),
            ..Change::default()
        },
        t("2025-12-31T00:00Z"),
    )
    .unwrap();
    c.step(t("2026-01-01T05:00Z"), &files);
    assert_eq!(c.status, S::Paused);
    assert_eq!(c.actions.len(), 2, "nothing at or after the pause time");
    c.change(
        &Change {
            pause: Some(None),
            ..Change::default()
        },
        t("2026-01-01T05:01Z"),
    )
    .unwrap();
    assert_eq!(c.status, S::Running);
    c.step(t("2026-01-01T05:01Z"), &files);
    assert_eq!(c.actions.len(), 6);
}

#[test]
fn reruns_and_ignores_check_their_actions_first() {
    let files = Files::default();
    let mut c = coordinator("<timeout>0</timeout>", Some("${coord:current(0)}"));
    assert_eq!(
        c.rerun(&[1], RerunOptions::default(), t("2025-12-01T00:00Z"))
            .unwrap_err()
            .code,
        "E1018"
    );
    c.step(t("2026-01-01T00:00Z"), &files);
    c.step(t("2026-01-01T00:02Z"), &files);
    assert_eq!(c.actions[&1].status, A::TimedOut, "waited 2 > 0 minutes");
    c.step(t("2026-01-01T01:00Z"), &files);
    assert_eq!(c.actions[&2].status, A::Waiting);
    let e = c
        .rerun(&[1, 2], RerunOptions::default(), t("2026-01-01T01:00Z"))
        .unwrap_err();
    assert_eq!(e.code, "E1018", "2 has not ended: {e}");
    assert_eq!(
        c.rerun(&[9], RerunOptions::default(), t("2026-01-01T01:00Z"))
            .unwrap_err()
            .code,
        "E1018"
    );
    assert_eq!(
        c.ignore(&[2], t("2026-01-01T01:00Z")).unwrap_err().code,
        "E1024"
    );

    c.rerun(&[1], RerunOptions::default(), t("2026-01-01T01:00Z"))
        .unwrap();
    let a = &c.actions[&1];
    assert_eq!(a.status, A::Waiting);
    assert_eq!(
        a.created,
        t("2026-01-01T01:00Z"),
        "a TIMEDOUT action's clock restarts"
    );
    assert_eq!(a.error_code, None);
    files.add("file:///data/00/_SUCCESS");
    files.add("file:///alt/00/_SUCCESS");
    assert_eq!(c.step(t("2026-01-01T01:00Z"), &files).submit, [1]);
    c.started(1, 5, t("2026-01-01T01:00Z"));
    c.instance_changed(
        5,
        JobStatus::Failed,
        Some("boom".into()),
        t("2026-01-01T01:01Z"),
    );
    assert_eq!(c.actions[&1].error_message.as_deref(), Some("boom"));

    // -failed keeps the workflow instance, to rerun its failed nodes.
    c.rerun(
        &[1],
        RerunOptions {
            failed: true,
            ..RerunOptions::default()
        },
        t("2026-01-01T01:01Z"),
    )
    .unwrap();
    assert_eq!(c.actions[&1].instance, Some(5));
    assert!(c.actions[&1].rerun_failed);

    c.step(t("2026-01-01T01:02Z"), &files);
    assert_eq!(c.actions[&2].status, A::TimedOut);
    c.ignore(&[2], t("2026-01-01T01:02Z")).unwrap();
    assert_eq!(c.actions[&2].status, A::Ignored);
}

#[test]
fn a_job_survives_the_round_trip_through_its_rows() {
    let files = Files::default();
    let mut c = coordinator("<concurrency>2</concurrency>", Some("${coord:latest(0)}"));
    c.change(
        &Change {
            end: Some(t("2026-01-01T20:00Z")),
            pause: Some(Some(t("2026-01-01T18:00Z"))),
            concurrency: Some(3),
        },
        t("2025-12-31T00:00Z"),
    )
    .unwrap();
    files.add("file:///data/00/_SUCCESS");
    files.add("file:///alt/01/_SUCCESS");
    c.step(t("2026-01-01T01:30Z"), &files);
    c.started(1, 77, t("2026-01-01T01:30Z"));
    assert_eq!(c.actions[&1].inputs["in"], ["file:///data/00"]);

    // The stored definition is the coordinator as it was submitted.
    let mut row = rows::job_row(&c, t("2026-01-01T01:31Z"));
    let submitted = definition(
        "file:///data/${HOUR}",
        "<concurrency>2</concurrency>",
        Some("${coord:latest(0)}"),
        "",
    );
    row.definition = serde_json::to_string(&submitted).unwrap();
    row.included = "[]".to_owned();
    row.conf = "{}".to_owned();
    row.created_by = "alice".to_owned();
    let actions: Vec<_> = c
        .actions
        .values()
        .map(|a| rows::action_row(c.id, a))
        .collect();
    let back = rows::restore(&row, &actions).unwrap();
    assert_eq!(back.status, c.status);
    assert_eq!(back.cursor, c.cursor);
    assert_eq!(back.job.schedule.end, t("2026-01-01T20:00Z"));
    assert_eq!(back.job.schedule.pause, Some(t("2026-01-01T18:00Z")));
    assert_eq!(back.job.controls.concurrency, 3);
    assert_eq!(back.actions, c.actions);
}

/// An hourly job with a `latest(0)` input and two outputs, one of them `nocleanup`.
fn with_outputs() -> CoordJob {
    let xml = r#"<coordinator-app name="c" frequency="${coord:hours(1)}" start="2026-01-01T00:00Z" end="2026-01-02T00:00Z" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <datasets>
    <dataset name="in" frequency="${coord:hours(1)}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>file:///in/${HOUR}</uri-template><done-flag></done-flag></dataset>
    <dataset name="out" frequency="${coord:hours(1)}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>file:///out/${HOUR}</uri-template></dataset>
    <dataset name="keep" frequency="${coord:hours(1)}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>file:///keep/${HOUR}</uri-template></dataset>
  </datasets>
  <input-events><data-in name="i" dataset="in"><instance>${coord:latest(0)}</instance></data-in></input-events>
  <output-events>
    <data-out name="o" dataset="out"><instance>${coord:current(0)}</instance></data-out>
    <data-out name="k" dataset="keep" nocleanup="true"><instance>${coord:current(0)}</instance></data-out>
  </output-events>
  <action><workflow><app-path>wf</app-path><configuration><property><name>input</name><value>${coord:dataIn('i')}</value></property></configuration></workflow></action>
</coordinator-app>"#;
    let c = from_coordinator_xml(xml, &|_| None)
        .expect("valid coordinator")
        .coordinator;
    let job = resolve(&c, &[], &c.properties(), "alice").expect("resolves");
    CoordJob::new(7, job, Vec::new())
}

#[test]
fn a_rerun_by_date_picks_nominal_times_and_clears_outputs_unless_told_not_to() {
    let files = Files::default();
    let mut c = with_outputs();
    files.add("file:///in/00");
    for (n, instance) in [(1, 11), (2, 12), (3, 13)] {
        assert_eq!(c.step(t("2026-01-01T02:30Z"), &files).submit, [n]);
        c.started(n, instance, t("2026-01-01T02:30Z"));
        c.instance_changed(instance, JobStatus::Succeeded, None, t("2026-01-01T02:30Z"));
    }
    assert_eq!(
        c.actions[&2].inputs.0[0].1,
        ["file:///in/00"],
        "latest found hour 00"
    );

    let pick = |from: &str, to: Option<&str>| DatePick {
        from: t(from),
        to: to.map(t),
    };
    assert_eq!(
        c.select_dates(&[pick("2026-01-01T01:00Z", None)]).unwrap(),
        [2]
    );
    assert_eq!(
        c.select_dates(&[
            pick("2026-01-01T00:30Z", Some("2026-01-01T02:00Z")),
            pick("2026-01-01T00:00Z", None)
        ])
        .unwrap(),
        [1, 2, 3],
        "a range includes both ends; a pick twice counts once"
    );
    for missing in [
        pick("2026-01-01T01:30Z", None),
        pick("2026-01-02T00:00Z", Some("2026-01-03T00:00Z")),
    ] {
        assert_eq!(c.select_dates(&[missing]).unwrap_err().code, "E0605");
    }

    // Cleanup: the plain output only; `nocleanup` or `-failed` leave it.
    let fx = c
        .rerun(&[2, 3], RerunOptions::default(), t("2026-01-01T03:00Z"))
        .unwrap();
    assert_eq!(fx.cleanup, ["file:///out/01", "file:///out/02"]);
    assert_eq!(
        c.actions[&2].inputs.0[0].1,
        ["file:///in/00"],
        "kept without refresh"
    );
    for options in [
        RerunOptions {
            nocleanup: true,
            ..RerunOptions::default()
        },
        RerunOptions {
            failed: true,
            ..RerunOptions::default()
        },
    ] {
        let mut again = with_outputs();
        assert_eq!(again.step(t("2026-01-01T00:30Z"), &files).submit, [1]);
        again.started(1, 11, t("2026-01-01T00:30Z"));
        again.instance_changed(11, JobStatus::Failed, None, t("2026-01-01T00:31Z"));
        let fx = again.rerun(&[1], options, t("2026-01-01T01:00Z")).unwrap();
        assert!(fx.cleanup.is_empty(), "{options:?}: {:?}", fx.cleanup);
    }

    // Refresh: latest(0) is looked for again, and finds the newer hour.
    files.add("file:///in/01");
    for (n, instance) in [(2, 22), (3, 23)] {
        assert_eq!(c.step(t("2026-01-01T03:00Z"), &files).submit, [n]);
        c.started(n, instance, t("2026-01-01T03:00Z"));
        c.instance_changed(instance, JobStatus::Succeeded, None, t("2026-01-01T03:01Z"));
    }
    let fx = c
        .rerun(
            &[2],
            RerunOptions {
                refresh: true,
                ..RerunOptions::default()
            },
            t("2026-01-01T03:02Z"),
        )
        .unwrap();
    assert_eq!(fx.actions, [2]);
    assert!(c.actions[&2].inputs.0[0].1[0].starts_with("${coord:latest"));
    c.step(t("2026-01-01T03:02Z"), &files);
    assert_eq!(c.actions[&2].inputs.0[0].1, ["file:///in/01"]);
    assert_eq!(c.actions[&2].configuration.0[0].1, "file:///in/01");
}

#[test]
fn a_backfill_takes_the_coordinators_own_slots_in_its_range() {
    let c = coordinator("", None);
    let schedule = &c.job.schedule;
    let (cursor, slots) =
        backfill_slots(schedule, t("2026-01-01T04:30Z"), t("2026-01-01T08:00Z")).unwrap();
    assert_eq!(cursor.number, 5, "five slots passed over");
    let got: Vec<(u64, DateTime<Utc>)> = slots.iter().map(|s| (s.number, s.nominal)).collect();
    assert_eq!(
        got,
        (6..=9)
            .map(|n| (n, t("2026-01-01T00:00Z") + TimeDelta::hours(n as i64 - 1)))
            .collect::<Vec<_>>(),
        "05:00 to 08:00, both ends in, numbered as in the job"
    );
    // Before the start, the coordinator's first slot is the first.
    let (_, early) =
        backfill_slots(schedule, t("2025-06-01T00:00Z"), t("2026-01-01T01:00Z")).unwrap();
    assert_eq!(early.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2]);
    for (from, to, says) in [
        ("2026-01-01T05:00Z", "2026-01-01T04:00Z", "comes after"),
        ("2026-01-01T05:10Z", "2026-01-01T05:50Z", "no slot"),
        ("2027-01-01T00:00Z", "2027-02-01T00:00Z", "no slot"),
    ] {
        let e = backfill_slots(schedule, t(from), t(to)).unwrap_err();
        assert!(e.contains(says), "{from}..{to}: {e}");
    }
    let mut long = coordinator("", None);
    long.job.schedule.end = t("2030-01-01T00:00Z");
    let e = backfill_slots(
        &long.job.schedule,
        t("2026-01-01T00:00Z"),
        t("2029-01-01T00:00Z"),
    )
    .unwrap_err();
    assert!(e.contains(&format!("more than {MAX_BACKFILL}")), "{e}");
}
