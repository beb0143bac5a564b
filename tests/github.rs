//! GitHub integration against a local server that speaks GitHub's REST wire
//! format (wiremock, with JSON shaped like GitHub's): release resolution,
//! Deployments and their statuses, error messages, and that the token never
//! shows up anywhere.

mod support;

use serde_json::{Value, json};
use support::local::{LocalProject, Options};
use support::run;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "ghp_rvmctlTEST0nlyUniqueToken7f3a9c";
const REPO: &str = "/repos/acme/edge";

fn json_out(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// A release as `GET /repos/{o}/{r}/releases` returns it (trimmed to the usual fields).
fn release(server: &str, id: u64, tag: &str, draft: bool, prerelease: bool, published: Option<&str>) -> Value {
    json!({
        "url": format!("{server}{REPO}/releases/{id}"),
        "html_url": format!("https://github.com/acme/edge/releases/tag/{tag}"),
        "assets_url": format!("{server}{REPO}/releases/{id}/assets"),
        "upload_url": format!("https://uploads.github.com{REPO}/releases/{id}/assets{{?name,label}}"),
        "tarball_url": format!("{server}{REPO}/tarball/{tag}"),
        "zipball_url": format!("{server}{REPO}/zipball/{tag}"),
        "id": id,
        "node_id": format!("RE_kwDO{id}"),
        "tag_name": tag,
        "target_commitish": "main",
        "name": format!("Edge {tag}"),
        "body": "Changes",
        "draft": draft,
        "prerelease": prerelease,
        "created_at": published.unwrap_or("2026-05-01T10:00:00Z"),
        "published_at": published,
        "author": { "login": "octocat", "id": 1, "type": "User", "site_admin": false },
        "assets": []
    })
}

fn deployment(server: &str, id: u64, git_ref: &str, env: &str) -> Value {
    json!({
        "url": format!("{server}{REPO}/deployments/{id}"),
        "id": id,
        "node_id": format!("DE_kwDO{id}"),
        "sha": "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d",
        "ref": git_ref,
        "task": "deploy",
        "payload": {},
        "original_environment": env,
        "environment": env,
        "description": "rvmctl",
        "creator": { "login": "octocat", "id": 1, "type": "User", "site_admin": false },
        "created_at": "2026-05-01T10:00:00Z",
        "updated_at": "2026-05-01T10:00:00Z",
        "statuses_url": format!("{server}{REPO}/deployments/{id}/statuses"),
        "repository_url": format!("{server}{REPO}"),
        "transient_environment": false,
        "production_environment": false
    })
}

fn status_response(server: &str, id: u64, body: &Request) -> ResponseTemplate {
    let sent: Value = serde_json::from_slice(&body.body).unwrap_or(Value::Null);
    ResponseTemplate::new(201).set_body_json(json!({
        "url": format!("{server}{REPO}/deployments/{id}/statuses/1"),
        "id": 1,
        "node_id": "DES_kwDO1",
        "state": sent["state"],
        "creator": { "login": "octocat", "id": 1, "type": "User", "site_admin": false },
        "description": sent["description"],
        "environment": sent["environment"],
        "target_url": "",
        "created_at": "2026-05-01T10:00:00Z",
        "updated_at": "2026-05-01T10:00:00Z",
        "deployment_url": format!("{server}{REPO}/deployments/{id}"),
        "repository_url": format!("{server}{REPO}")
    }))
}

/// A config with `global.github` pointing at acme/edge, token in `RVM_GH_TOKEN`.
fn github_config(deployments: bool) -> String {
    format!("global:\n  github: {{ repository: acme/edge, token_env: RVM_GH_TOKEN, deployments: {deployments} }}\n")
}

fn project_with_github(deployments: bool) -> LocalProject {
    let p = LocalProject::new(Options { hosts: 2, monitor: "0s", ..Options::default() });
    let file = p.path().join("deployment-config.yaml");
    let text = std::fs::read_to_string(&file).expect("config");
    let text = text.replacen("project: testrvm\n", &format!("project: testrvm\n{}", github_config(deployments)), 1);
    std::fs::write(&file, text).expect("write config");
    p
}

fn gh_cmd(p: &LocalProject, server: &MockServer) -> assert_cmd::Command {
    let mut cmd = p.cmd();
    cmd.env("GITHUB_API_URL", server.uri()).env("RVM_GH_TOKEN", TOKEN).env_remove("GITHUB_TOKEN");
    cmd
}

/// Releases spread over two pages; published dates deliberately disagree with versions.
async fn mount_releases(server: &MockServer, prefix: &str) {
    let s = server.uri();
    let page1 = json!([
        release(&s, 7, "v2.0.0-rc.1", false, true, Some("2026-04-20T09:00:00Z")),
        release(&s, 6, "v1.11.0", true, false, None),
        release(&s, 5, "v1.9.3", false, false, Some("2026-04-01T09:00:00Z")),
        release(&s, 4, "nightly-2026-04-02", false, false, Some("2026-04-02T09:00:00Z")),
    ]);
    let page2 = json!([
        release(&s, 3, "v1.10.0", false, false, Some("2026-02-01T09:00:00Z")),
        release(&s, 2, "1.2.0", false, false, Some("2025-06-01T09:00:00Z")),
        release(&s, 1, "v1.12.0-beta.1", false, false, Some("2026-04-25T09:00:00Z")),
    ]);
    let next = format!(
        "<{s}{prefix}{REPO}/releases?per_page=100&page=2>; rel=\"next\", <{s}{prefix}{REPO}/releases?per_page=100&page=2>; rel=\"last\""
    );
    Mock::given(method("GET"))
        .and(path(format!("{prefix}{REPO}/releases")))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page2))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{prefix}{REPO}/releases")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page1).insert_header("link", next.as_str()))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn releases_are_sorted_by_semver_and_latest_skips_drafts_and_prereleases() {
    let server = MockServer::start().await;
    // A GitHub Enterprise style API root with a path prefix.
    mount_releases(&server, "/api/v3").await;
    let p = project_with_github(false);
    let mut cmd = gh_cmd(&p, &server);
    cmd.env("GITHUB_API_URL", format!("{}/api/v3/", server.uri()));
    let (code, out, err) = run(cmd.args(["releases", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let v = json_out(&out);
    assert_eq!(v["repository"], "acme/edge");
    assert_eq!(v["latest"], "1.10.0", "v1.10.0 is newer than v1.9.3 even though published earlier");
    let tags: Vec<&str> =
        v["releases"].as_array().expect("releases").iter().filter_map(|r| r["tag"].as_str()).collect();
    assert_eq!(tags, ["v2.0.0-rc.1", "v1.12.0-beta.1", "v1.11.0", "v1.10.0", "v1.9.3", "1.2.0"]);
    let rc = &v["releases"][0];
    assert_eq!(
        (rc["prerelease"].as_bool(), rc["draft"].as_bool(), rc["latest"].as_bool()),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(v["releases"][2]["draft"], true);
    assert_eq!(v["releases"][3]["latest"], true);
    assert_eq!(v["ignored_tags"], json!(["nightly-2026-04-02"]));

    // Both pages were read, with the token.
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(reqs.len(), 2, "two pages");
    for r in &reqs {
        assert_eq!(
            r.headers.get("authorization").and_then(|h| h.to_str().ok()),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }

    let (code, out, err) =
        run(gh_cmd(&p, &server).env("GITHUB_API_URL", format!("{}/api/v3", server.uri())).args(["releases"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("latest: 1.10.0"), "{out}");
    for word in ["prerelease", "draft", "latest", "ignored (not semantic versions): nightly-2026-04-02"] {
        assert!(out.contains(word), "{word}: {out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn version_latest_resolves_before_planning() {
    let server = MockServer::start().await;
    mount_releases(&server, "").await;
    let p = project_with_github(false);
    p.release("1.10.0", false);
    let (code, out, err) =
        run(gh_cmd(&p, &server).args(["plan", "-e", "development", "--version", "latest", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_out(&out)["version"], "1.10.0");

    // Without global.github, `latest` is a usage error that says what to add.
    let plain = LocalProject::new(Options::default());
    let (code, _, err) = run(plain.cmd().args(["plan", "-e", "development", "--version", "latest"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--version latest needs `global.github.repository`"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_stable_release_is_a_clear_error() {
    let server = MockServer::start().await;
    let s = server.uri();
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            release(&s, 2, "v1.0.0-rc.1", false, true, Some("2026-01-01T00:00:00Z")),
            release(&s, 1, "v0.9.0", true, false, None),
        ])))
        .mount(&server)
        .await;
    let p = project_with_github(false);
    let (code, _, err) = run(gh_cmd(&p, &server).args(["deploy", "-e", "development", "--version", "latest", "--yes"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("acme/edge has no published release with a semantic-version tag"), "{err}");
    assert!(err.contains("pass an explicit --version"), "{err}");
}

/// Mounts the Deployments API: our deployment is 42, the previous one of the environment 41.
async fn mount_deployments(server: &MockServer, tag_exists: bool) {
    let s = server.uri();
    let tag = if tag_exists {
        ResponseTemplate::new(200).set_body_json(json!({
            "ref": "refs/tags/v1.0.0",
            "node_id": "REF_1",
            "url": format!("{s}{REPO}/git/refs/tags/v1.0.0"),
            "object": { "type": "commit", "sha": "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d", "url": "" }
        }))
    } else {
        ResponseTemplate::new(404).set_body_json(json!({
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/git/refs#get-a-reference",
            "status": "404"
        }))
    };
    Mock::given(method("GET")).and(path(format!("{REPO}/git/ref/tags/v1.0.0"))).respond_with(tag).mount(server).await;
    let created = deployment(&s, 42, if tag_exists { "v1.0.0" } else { "1.0.0" }, "development");
    Mock::given(method("POST"))
        .and(path(format!("{REPO}/deployments")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(created.clone()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/deployments")))
        .and(query_param("environment", "development"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            created,
            deployment(&s, 41, "v0.9.0", "development"),
            deployment(&s, 40, "v0.8.0", "development")
        ])))
        .mount(server)
        .await;
    for id in [41u64, 42] {
        let s2 = s.clone();
        Mock::given(method("POST"))
            .and(path(format!("{REPO}/deployments/{id}/statuses")))
            .respond_with(move |r: &Request| status_response(&s2, id, r))
            .mount(server)
            .await;
    }
}

/// (path, state) of every status posted, in order.
async fn statuses(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/statuses"))
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            (r.url.path().to_string(), v["state"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_successful_deploy_moves_its_deployment_to_success_and_the_previous_to_inactive() {
    let server = MockServer::start().await;
    mount_deployments(&server, true).await;
    let p = project_with_github(true);
    p.release("1.0.0", false);
    let (code, out, err) =
        run(gh_cmd(&p, &server).args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert!(!err.contains("warning"), "{err}");

    let reqs = server.received_requests().await.unwrap_or_default();
    let create = reqs
        .iter()
        .find(|r| r.method.as_str() == "POST" && r.url.path() == format!("{REPO}/deployments"))
        .expect("a deployment was created");
    let body: Value = serde_json::from_slice(&create.body).expect("JSON body");
    assert_eq!(body["ref"], "v1.0.0", "the tag v{{version}} exists, so it is the ref");
    assert_eq!(body["environment"], "development");
    assert_eq!(body["auto_merge"], false);
    assert_eq!(body["required_contexts"], json!([]));
    assert_eq!(body["payload"]["tool"], "rvmctl");
    assert_eq!(body["payload"]["version"], "1.0.0");
    assert_eq!(body["payload"]["user"], "tester");

    assert_eq!(
        statuses(&server).await,
        [
            (format!("{REPO}/deployments/42/statuses"), "in_progress".to_string()),
            (format!("{REPO}/deployments/42/statuses"), "success".to_string()),
            (format!("{REPO}/deployments/41/statuses"), "inactive".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_deploy_marks_its_deployment_failed_and_leaves_the_previous_alone() {
    let server = MockServer::start().await;
    mount_deployments(&server, false).await;
    let p = project_with_github(true);
    p.release("1.0.0", true);
    let (code, out, err) =
        run(gh_cmd(&p, &server).args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 4, "stdout: {out}\nstderr: {err}");
    let reqs = server.received_requests().await.unwrap_or_default();
    let create = reqs.iter().find(|r| r.method.as_str() == "POST" && r.url.path() == format!("{REPO}/deployments"));
    let body: Value = create.map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    assert_eq!(body["ref"], "1.0.0", "no tag v1.0.0: the version itself is the ref");
    assert_eq!(
        statuses(&server).await,
        [
            (format!("{REPO}/deployments/42/statuses"), "in_progress".to_string()),
            (format!("{REPO}/deployments/42/statuses"), "failure".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn github_failures_are_warnings_and_never_fail_a_deploy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/git/ref/tags/v1.0.0")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ref": "refs/tags/v1.0.0" })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REPO}/deployments")))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({ "message": "Server Error" })))
        .mount(&server)
        .await;
    let p = project_with_github(true);
    p.release("1.0.0", false);
    let (code, out, err) =
        run(gh_cmd(&p, &server).args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert!(err.contains("warning: GitHub deployment not recorded: GitHub API error 500"), "{err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"));
    }

    // No token at all: still deploys, with a warning that says what to set.
    let p2 = project_with_github(true);
    p2.release("1.0.0", false);
    let (code, _, err) = run(gh_cmd(&p2, &server).env_remove("RVM_GH_TOKEN").args([
        "deploy",
        "-e",
        "development",
        "--version",
        "1.0.0",
        "--yes",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("$RVM_GH_TOKEN is not set"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_token_rate_limit_and_missing_repository_have_clear_messages() {
    let server = MockServer::start().await;
    let p = project_with_github(false);

    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401"
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let (code, _, err) = run(gh_cmd(&p, &server).args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the token in $RVM_GH_TOKEN was rejected: check it has repo scope"), "{err}");

    // Primary rate limit: 403 with x-ratelimit-remaining: 0 and the reset time.
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-used", "5000")
                .insert_header("x-ratelimit-reset", "1893456000")
                .insert_header("x-ratelimit-resource", "core")
                .set_body_json(json!({
                    "message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                    "status": "403"
                })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let (code, _, err) = run(gh_cmd(&p, &server).args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("GitHub API rate limit exceeded; it resets at 2030-01-01 00:00:00 UTC"), "{err}");

    // 429 (secondary limit) with retry-after; unauthenticated, so say a token helps.
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .set_body_json(json!({ "message": "You have exceeded a secondary rate limit." })),
        )
        .up_to_n_times(3)
        .mount(&server)
        .await;
    let (code, _, err) = run(gh_cmd(&p, &server).env_remove("RVM_GH_TOKEN").args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rate limit exceeded; it resets at"), "{err}");
    assert!(err.contains("set $RVM_GH_TOKEN to a token"), "{err}");

    // A 403 that is not a rate limit is about access.
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({ "message": "Resource not accessible by integration" })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let (code, _, err) = run(gh_cmd(&p, &server).args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("GitHub refused access to acme/edge: Resource not accessible by integration"), "{err}");

    Mock::given(method("GET"))
        .and(path(format!("{REPO}/releases")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" })))
        .mount(&server)
        .await;
    let (code, _, err) = run(gh_cmd(&p, &server).args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("repository acme/edge not found, or the token in $RVM_GH_TOKEN has no access to it"), "{err}");

    // Bad configuration is a usage error.
    let (code, _, err) = run(gh_cmd(&p, &server).args(["releases", "--repo", "not-a-repo"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("expected owner/name"), "{err}");
    let (code, _, err) = run(gh_cmd(&p, &server).env("GITHUB_API_URL", "ftp://x").args(["releases"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid GITHUB_API_URL"), "{err}");
    // Nothing listening: a transport error that names the URL.
    let dead = format!("http://127.0.0.1:{}", support::free_port());
    let (code, _, err) = run(gh_cmd(&p, &server).env("GITHUB_API_URL", &dead).args(["releases"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("cannot reach the GitHub API at {dead}")), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_check_says_which_units_are_behind() {
    let server = MockServer::start().await;
    mount_releases(&server, "").await;
    let p = project_with_github(false);
    p.release("1.9.3", false);
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.9.3", "--yes"]));
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = run(gh_cmd(&p, &server).args(["update", "check", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0, "behind is not an error: {err}");
    let v = json_out(&out);
    assert_eq!(v["latest"]["version"], "1.10.0");
    assert_eq!(v["behind"], 2);
    for u in v["units"].as_array().expect("units") {
        assert_eq!(u["live_version"], "1.9.3");
        assert_eq!(u["behind"], true);
        assert_eq!(u["state"], "behind");
    }
    let (code, out, _) = run(gh_cmd(&p, &server).args(["update", "check", "-e", "development"]));
    assert_eq!(code, 0);
    assert!(out.contains("2 of 2 units in development behind"), "{out}");
    assert!(out.contains("behind → 1.10.0"), "{out}");

    p.release("1.10.0", false);
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.10.0", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(gh_cmd(&p, &server).args(["update", "check", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0);
    let v = json_out(&out);
    assert_eq!(v["behind"], 0);
    assert!(v["units"].as_array().is_some_and(|u| u.iter().all(|u| u["behind"] == false && u["state"] == "current")));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_appears_in_any_output() {
    let server = MockServer::start().await;
    mount_releases(&server, "").await;
    mount_deployments(&server, true).await;
    let p = project_with_github(true);
    p.release("1.0.0", false);
    p.release("1.10.0", false);
    // The server echoes the token back in an error message: it must still not be shown.
    let bad = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "message": format!("Bad credentials: {TOKEN}") })),
        )
        .mount(&bad)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({ "environment": "development" })))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({ "message": format!("No ref found for {TOKEN}") })),
        )
        .mount(&bad)
        .await;

    let runs: Vec<(Vec<&str>, &MockServer)> = vec![
        (vec!["releases"], &server),
        (vec!["releases", "-o", "yaml"], &server),
        (vec!["-vv", "plan", "-e", "development", "--version", "latest"], &server),
        (vec!["-vv", "deploy", "-e", "development", "--version", "1.0.0", "--yes"], &server),
        (vec!["update", "check", "-e", "development", "-o", "json"], &server),
        (vec!["-vv", "releases"], &bad),
        (vec!["deploy", "-e", "development", "--version", "1.10.0", "--yes"], &bad),
        (vec!["config", "view", "-o", "json"], &server),
    ];
    for (args, srv) in runs {
        let out = gh_cmd(&p, srv).env("RVMCTL_LOG", "trace").args(&args).output().expect("rvmctl runs");
        for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(TOKEN), "token leaked on {name} of {args:?}:\n{text}");
        }
        if std::ptr::eq(srv, &bad) {
            // The echoed token was really there, and replaced.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("was rejected") && err.contains("<redacted>"), "{args:?}: {err}");
        }
    }
}

#[test]
fn github_commands_have_examples_in_their_help() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [vec!["releases", "--help"], vec!["update", "--help"], vec!["update", "check", "--help"]] {
        let (code, out, _) = run(support::rvmctl(dir).args(&args));
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Examples:"), "`rvmctl {args:?}` has no examples:\n{out}");
    }
}
