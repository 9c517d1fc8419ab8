//! Degraded repositories: shallow clones, missing and corrupt objects, bad tags.

use crate::util::{HOUR, Repo, T0, dorascope, git_in, ok, stderr, stdout};

fn history(n: i64) -> Repo {
    let r = Repo::new();
    for i in 0..n {
        let c = r.commit(&format!("c{i}"), T0 + i * HOUR);
        if i % 3 == 2 {
            r.annotated_tag(&format!("v{i}"), &c, T0 + i * HOUR + 60);
        }
    }
    r
}

#[test]
fn shallow_clone_is_reported_as_partial() {
    let r = history(12);
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path.display());
    ok(git_in(tmp.path()).args(["clone", "-q", "--depth", "3", &url, "shallow"]));
    let shallow = tmp.path().join("shallow");
    let out = dorascope(&["changes", "--repo", shallow.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    // Only the three commits inside the clone's boundary, all shipped by v11.
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert_eq!(text.matches(",v11,").count(), 3, "{text}");
}

#[test]
fn tag_on_a_tree_is_skipped_with_a_warning() {
    let r = history(3);
    let tree = r.run(&["rev-parse", "HEAD^{tree}"]);
    r.run(&["tag", "v-tree", &tree]);
    let out = dorascope(&["deployments", "--repo", r.path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tag v-tree: points at a tree, not a commit"),
        "{}",
        stderr(&out)
    );
}

fn loose_object_path(r: &Repo, sha: &str) -> std::path::PathBuf {
    r.path.join(".git/objects").join(&sha[..2]).join(&sha[2..])
}

#[test]
fn missing_parent_is_reported() {
    let r = history(6);
    let oldest = r.run(&["rev-list", "--max-parents=0", "HEAD"]);
    std::fs::remove_file(loose_object_path(&r, &oldest)).unwrap();
    let out = dorascope(&["changes", "--repo", r.path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 commits are referenced but missing"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains(&oldest));
}

#[test]
fn corrupt_object_is_a_one_line_input_error() {
    let r = history(6);
    let victim = r.run(&["rev-parse", "HEAD~2"]);
    let path = loose_object_path(&r, &victim);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, b"this is not zlib data at all").unwrap();
    let out = dorascope(&["changes", "--repo", r.path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("error: ") && err.trim_end().lines().count() == 1,
        "{err:?}"
    );
    assert!(err.contains(&victim), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bare_repository() {
    let r = history(6);
    let tmp = tempfile::tempdir().unwrap();
    ok(git_in(tmp.path()).args(["clone", "-q", "--bare", r.path.to_str().unwrap(), "bare.git"]));
    let out = dorascope(&[
        "deployments",
        "--repo",
        tmp.path().join("bare.git").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).lines().nth(1).unwrap().starts_with("bare,v2,"),
        "{}",
        stdout(&out)
    );
}
