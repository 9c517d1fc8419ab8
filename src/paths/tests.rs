use std::sync::Arc;

use super::*;

fn service(spec: &str) -> Service {
    Service::parse(spec).unwrap()
}

fn rules(services: &[&str], ignore: &[&str], owners: Option<&str>) -> PathRules {
    let owners = owners.map(|text| {
        let (o, warnings) = CodeOwners::parse(text);
        assert_eq!(warnings, Vec::<String>::new());
        o
    });
    PathRules::new(
        services.iter().map(|s| service(s)).collect(),
        ignore.iter().map(|s| s.to_string()).collect(),
        owners,
    )
    .unwrap()
}

fn classify(r: &PathRules, paths: &[&str]) -> PathClass {
    let paths: Vec<&[u8]> = paths.iter().map(|p| p.as_bytes()).collect();
    r.classify(&paths)
}

/// The names of the services one path belongs to.
fn services_of(r: &PathRules, path: &str) -> Vec<String> {
    let c = classify(r, &[path]);
    c.services
        .iter()
        .map(|&i| r.service_names()[usize::from(i)].to_string())
        .collect()
}

fn names(v: &[Arc<str>]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}

// ---------------------------------------------------------------------------------------------
// Path globs

#[test]
fn star_stays_within_one_segment() {
    let r = rules(&["rs=src/*.rs", "v=v?.txt"], &[], None);
    assert_eq!(services_of(&r, "src/main.rs"), ["rs"]);
    assert!(services_of(&r, "src/bin/tool.rs").is_empty());
    assert!(services_of(&r, "main.rs").is_empty());
    assert_eq!(services_of(&r, "v1.txt"), ["v"]);
    assert!(services_of(&r, "v/.txt").is_empty());
    assert!(services_of(&r, "v12.txt").is_empty());
}

#[test]
fn double_star_slash_is_zero_or_more_directories() {
    let r = rules(&["md=**/*.md", "tests=**/tests/**", "mid=a/**/z.txt"], &[], None);
    assert_eq!(services_of(&r, "README.md"), ["md"]);
    assert_eq!(services_of(&r, "docs/guide/intro.md"), ["md"]);
    assert_eq!(services_of(&r, "tests/it.rs"), ["tests"]);
    assert_eq!(services_of(&r, "crates/x/tests/data/y.json"), ["tests"]);
    assert!(services_of(&r, "contests/x.rs").is_empty());
    assert_eq!(services_of(&r, "a/z.txt"), ["mid"]);
    assert_eq!(services_of(&r, "a/b/c/z.txt"), ["mid"]);
    assert!(services_of(&r, "b/a/z.txt").is_empty());
}

#[test]
fn slash_double_star_is_everything_below() {
    let r = rules(&["api=services/api/**"], &[], None);
    assert_eq!(services_of(&r, "services/api/main.go"), ["api"]);
    assert_eq!(services_of(&r, "services/api/internal/db/pool.go"), ["api"]);
    // Not the directory's siblings, nor a file with the directory's name.
    assert!(services_of(&r, "services/apiv2/main.go").is_empty());
    assert!(services_of(&r, "services/api").is_empty());
    assert!(services_of(&r, "lib/services/api/x.go").is_empty());
}

#[test]
fn star_glob_matches_at_the_root_only() {
    let r = rules(&["root-md=*.md"], &[], None);
    assert_eq!(services_of(&r, "CHANGELOG.md"), ["root-md"]);
    assert!(services_of(&r, "docs/CHANGELOG.md").is_empty());
}

#[test]
fn a_path_in_two_services_belongs_to_both_and_a_change_to_every_service_it_touches() {
    let r = rules(
        &["web=apps/web/**", "api=services/api/**", "go=**/*.go,go.mod"],
        &[],
        None,
    );
    assert_eq!(services_of(&r, "services/api/main.go"), ["api", "go"]);
    let c = classify(
        &r,
        &[
            "apps/web/index.ts",
            "go.mod",
            "services/api/x.go",
            "services/api/y.go",
        ],
    );
    assert_eq!(c.services, [0, 1, 2]);
    assert_eq!(classify(&r, &["README"]).services, Vec::<u16>::new());
    assert_eq!(names(r.service_names()), ["web", "api", "go"]);
}

#[test]
fn leading_slash_is_the_root_and_trailing_slash_is_refused() {
    let r = rules(&["api=/services/api/**"], &[], None);
    assert_eq!(services_of(&r, "services/api/a.go"), ["api"]);
    assert_eq!(
        compile_path_glob("docs/").unwrap_err(),
        "'docs/': matches no file (paths name files, not directories); write 'docs/**' for everything below"
    );
    assert_eq!(
        compile_path_glob("").unwrap_err(),
        "'': an empty glob matches no path"
    );
    assert_eq!(
        compile_path_glob("a/[b").unwrap_err(),
        "'a/[b': unclosed character class; missing ']'"
    );
}

#[test]
fn paths_that_are_not_utf8_still_match_wildcards() {
    let r = rules(&["api=services/api/**"], &[], None);
    let path: &[u8] = b"services/api/caf\xe9.go";
    assert_eq!(r.classify(&[path]).services, [0]);
    let other: &[u8] = b"services/\xff/x.go";
    assert_eq!(r.classify(&[other]).services, Vec::<u16>::new());
}

// ---------------------------------------------------------------------------------------------
// PathRules

#[test]
fn rules_are_empty_only_when_nothing_path_aware_is_asked() {
    assert!(rules(&[], &[], None).is_empty());
    assert!(!rules(&["a=a/**"], &[], None).is_empty());
    assert!(!rules(&[], &["docs/**"], None).is_empty());
    assert!(!rules(&[], &[], Some("")).is_empty());
    assert!(PathClass::default().meaningful);
    assert_eq!(
        classify(&rules(&[], &[], None), &["a", "b"]),
        PathClass::default()
    );
}

#[test]
fn rules_refuse_a_service_given_twice_and_bad_ignore_globs() {
    let err = PathRules::new(vec![service("api=a/**"), service("api=b/**")], vec![], None).unwrap_err();
    assert_eq!(err, "service 'api' is given twice");
    let err = PathRules::new(vec![], vec!["docs/**".into(), "a{b".into()], None).unwrap_err();
    assert_eq!(
        err,
        "--ignore-paths 'a{b': unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"
    );
}

#[test]
fn a_change_touching_only_ignored_paths_is_not_meaningful() {
    let r = rules(&["api=services/api/**"], &["docs/**", "**/*.md"], None);
    assert!(!classify(&r, &["docs/guide.txt"]).meaningful);
    assert!(!classify(&r, &["docs/a.txt", "services/api/README.md"]).meaningful);
    // One path that is not ignored is enough.
    assert!(classify(&r, &["docs/a.txt", "services/api/main.go"]).meaningful);
    assert!(classify(&r, &["Makefile"]).meaningful);
    // No paths at all (a merge, an empty commit): meaningful.
    assert!(classify(&r, &[]).meaningful);
    // Ignored paths still tell the services.
    assert_eq!(classify(&r, &["services/api/README.md"]).services, [0]);
    // Without ignore globs, everything is meaningful.
    assert!(classify(&rules(&[], &[], None), &["docs/a.md"]).meaningful);
}

// ---------------------------------------------------------------------------------------------
// CODEOWNERS

/// GitHub's documented example file ("About code owners").
const GITHUB_DOCS: &str = "\
# This is a comment.
# Each line is a file pattern followed by one or more owners.

# These owners will be the default owners for everything in
# the repo. Unless a later match takes precedence,
# @global-owner1 and @global-owner2 will be requested for
# review when someone opens a pull request.
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most
# precedence. When someone opens a pull request that only
# modifies JS files, only @js-owner and not the global
# owner(s) will be requested for a review.
*.js    @js-owner #This is an inline comment.

# You can also use email addresses if you prefer. They'll be
# used to look up users just like we do for commit author
# emails.
*.go docs@example.com

# Teams can be specified as code owners as well. Teams should
# be identified in the format @org/team-name. Teams must have
# explicit write access to the repository. In this example,
# the octocats team in the octo-org organization owns all .txt files.
*.txt @octo-org/octocats

# In this example, @doctocat owns any files in the build/logs
# directory at the root of the repository and any of its
# subdirectories.
/build/logs/ @doctocat

# The `docs/*` pattern will match files like
# `docs/getting-started.md` but not further nested files like
# `docs/build-app/troubleshooting.md`.
docs/*  docs@example.com

# In this example, @octocat owns any file in an apps directory
# anywhere in your repository.
apps/ @octocat

# In this example, @doctocat owns any file in the `/docs`
# directory in the root of your repository and any of its
# subdirectories.
/docs/ @doctocat

# In this example, any change inside the `/scripts` directory
# will require approval from @doctocat or @octocat.
/scripts/ @doctocat @octocat

# In this example, @octocat owns any file in a `/logs` directory such as
# `/build/logs`, `/scripts/logs`, and `/deeply/nested/logs`. Any changes
# in a `/logs` directory will require approval from @octocat.
**/logs @octocat

# In this example, @octocat owns any file in the `/apps`
# directory in the root of your repository except for the `/apps/github`
# subdirectory, as its owners are left empty. Without an owner, changes
# to `apps/github` can be made with the approval of any user who has
# write access to the repository.
/apps/ @octocat
/apps/github

# In this example, @octocat owns any file in the `/apps`
# directory in the root of your repository except for the `/apps/github`
# subdirectory, as this subdirectory has its own owner @doctocat
/apps/ @octocat
/apps/github @doctocat
";

/// The line number (from 1) of the only line of `text` that is `line`.
fn line_no(text: &str, line: &str) -> usize {
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(found.len(), 1, "{line:?} in the fixture");
    found[0]
}

fn parse(text: &str) -> CodeOwners {
    let (o, warnings) = CodeOwners::parse(text);
    assert_eq!(warnings, Vec::<String>::new());
    o
}

/// (teams, number of individuals, winning line numbers).
fn owned(o: &CodeOwners, path: &str) -> (Vec<String>, usize, Vec<usize>) {
    let owners = o.owners_of(path.as_bytes());
    let teams = owners.teams.iter().map(|t| t.to_string()).collect();
    (teams, owners.individuals, o.lines_of(path.as_bytes()))
}

#[test]
fn github_docs_example() {
    let o = parse(GITHUB_DOCS);
    let at = |line: &str| vec![line_no(GITHUB_DOCS, line)];
    let no_team = Vec::<String>::new();
    assert_eq!(names(o.team_names()), ["@octo-org/octocats"]);
    assert_eq!(
        owned(&o, "Cargo.toml"),
        (no_team.clone(), 2, at("*       @global-owner1 @global-owner2"))
    );
    // The inline comment is not an owner.
    let js = at("*.js    @js-owner #This is an inline comment.");
    assert_eq!(owned(&o, "src/index.js"), (no_team.clone(), 1, js));
    assert_eq!(
        owned(&o, "cmd/main.go"),
        (no_team.clone(), 1, at("*.go docs@example.com"))
    );
    let txt = at("*.txt @octo-org/octocats");
    assert_eq!(
        owned(&o, "notes/todo.txt"),
        (vec!["@octo-org/octocats".to_string()], 0, txt)
    );
    // `**/logs` comes after `/build/logs/` and wins, for files inside and a file named logs.
    assert_eq!(
        owned(&o, "build/logs/today.txt"),
        (no_team.clone(), 1, at("**/logs @octocat"))
    );
    assert_eq!(
        owned(&o, "deeply/nested/logs/a"),
        (no_team.clone(), 1, at("**/logs @octocat"))
    );
    assert_eq!(
        owned(&o, "src/logs"),
        (no_team.clone(), 1, at("**/logs @octocat"))
    );
    // `apps/` matches at any depth; `/apps/` only at the root.
    assert_eq!(
        owned(&o, "web/apps/main.js"),
        (no_team.clone(), 1, at("apps/ @octocat"))
    );
    assert_eq!(
        owned(&o, "scripts/deploy.sh"),
        (no_team.clone(), 2, at("/scripts/ @doctocat @octocat"))
    );
    assert_eq!(
        owned(&o, "docs/build-app/troubleshooting.md"),
        (no_team.clone(), 1, at("/docs/ @doctocat"))
    );
    // The last `/apps/github` line, with an owner, overrides the one without.
    assert_eq!(
        owned(&o, "apps/github/x.rb"),
        (no_team.clone(), 1, at("/apps/github @doctocat"))
    );
    assert_eq!(owned(&o, "apps/web/x.rb").1, 1);
}

/// A GitHub file with teams, as an organisation writes it.
const GITHUB_TEAMS: &str = "\
# Everything not listed below
*       @org/everyone

/docs/ @org/docs-team
docs/*  @org/docs-top   # only the direct children
*.js @js-owner
apps/ @octocat
/build/logs/ @doctocat
**/logs @org/ops
vendor/
/services/api/ @org/api @alice
/services/api/ @org/api-v2
\\#notes.txt @org/hash
/Src/ @Org/Everyone
";

#[test]
fn github_file_with_teams() {
    let o = parse(GITHUB_TEAMS);
    let at = |line: &str| vec![line_no(GITHUB_TEAMS, line)];
    let team = |t: &str| vec![t.to_string()];
    let none = Vec::<String>::new();
    // Names equal but for case are one team, spelled as first written.
    let teams = [
        "@org/api",
        "@org/api-v2",
        "@org/docs-team",
        "@org/docs-top",
        "@org/everyone",
        "@org/hash",
        "@org/ops",
    ];
    assert_eq!(names(o.team_names()), teams);
    assert_eq!(
        owned(&o, "src/main.rs"),
        (team("@org/everyone"), 0, at("*       @org/everyone"))
    );
    assert_eq!(
        owned(&o, "Src/main.rs"),
        (team("@org/everyone"), 0, at("/Src/ @Org/Everyone"))
    );
    // A later line wins: `*.js` over `/docs/` and `docs/*`.
    assert_eq!(owned(&o, "docs/app.js"), (none.clone(), 1, at("*.js @js-owner")));
    assert_eq!(
        owned(&o, "web/apps/x.rb"),
        (none.clone(), 1, at("apps/ @octocat"))
    );
    // A trailing slash matches below a directory, never a file of that name.
    assert_eq!(
        owned(&o, "apps"),
        (team("@org/everyone"), 0, at("*       @org/everyone"))
    );
    assert_eq!(
        owned(&o, "build/logs/a.log"),
        (team("@org/ops"), 0, at("**/logs @org/ops"))
    );
    // `docs/*`: the direct children of the root's docs only.
    let top = at("docs/*  @org/docs-top   # only the direct children");
    assert_eq!(owned(&o, "docs/intro.md"), (team("@org/docs-top"), 0, top));
    assert_eq!(
        owned(&o, "docs/a/b.md"),
        (team("@org/docs-team"), 0, at("/docs/ @org/docs-team"))
    );
    assert_eq!(
        owned(&o, "web/docs/intro.md"),
        (team("@org/everyone"), 0, at("*       @org/everyone"))
    );
    // A line without owners makes a path unowned, at any depth.
    assert_eq!(owned(&o, "vendor/lib.c"), (none.clone(), 0, at("vendor/")));
    assert_eq!(owned(&o, "third/vendor/x/y.c"), (none.clone(), 0, at("vendor/")));
    assert_eq!(
        owned(&o, "services/api/main.go"),
        (team("@org/api-v2"), 0, at("/services/api/ @org/api-v2"))
    );
    assert_eq!(
        owned(&o, "#notes.txt"),
        (team("@org/hash"), 0, at("\\#notes.txt @org/hash"))
    );
}

/// A GitLab file: sections, optional sections, approvals, default owners, emails, subgroups.
const GITLAB: &str = "\
# Lines before the first section are the default section.
* @org/platform

[Documentation] @org/docs
docs/
README.md @tech-writer docs-team@example.com

^[Frontend][2] @group/frontend/web
*.js
*.css @designer

[Backend]
/services/ @group/backend
/services/legacy/

[backend] @org/backend-leads
/services/billing/
";

#[test]
fn gitlab_sections_combine_their_winning_lines() {
    let o = parse(GITLAB);
    let at = |lines: &[&str]| lines.iter().map(|l| line_no(GITLAB, l)).collect::<Vec<_>>();
    let teams = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(
        names(o.team_names()),
        [
            "@group/backend",
            "@group/frontend/web",
            "@org/backend-leads",
            "@org/docs",
            "@org/platform"
        ]
    );
    assert_eq!(
        owned(&o, "src/main.rs"),
        (teams(&["@org/platform"]), 0, at(&["* @org/platform"]))
    );
    // An entry without owners takes its section's default owners.
    let docs = (
        teams(&["@org/docs", "@org/platform"]),
        0,
        at(&["* @org/platform", "docs/"]),
    );
    assert_eq!(owned(&o, "docs/guide.md"), docs);
    let readme = at(&["* @org/platform", "README.md @tech-writer docs-team@example.com"]);
    assert_eq!(owned(&o, "README.md"), (teams(&["@org/platform"]), 2, readme));
    let js = (
        teams(&["@group/frontend/web", "@org/platform"]),
        0,
        at(&["* @org/platform", "*.js"]),
    );
    assert_eq!(owned(&o, "web/app.js"), js);
    let css = at(&["* @org/platform", "*.css @designer"]);
    assert_eq!(owned(&o, "web/site.css"), (teams(&["@org/platform"]), 1, css));
    let api = at(&["* @org/platform", "/services/ @group/backend"]);
    assert_eq!(
        owned(&o, "services/api/x.go"),
        (teams(&["@group/backend", "@org/platform"]), 0, api)
    );
    // A section without default owners: an entry without owners leaves the section unowned.
    let legacy = at(&["* @org/platform", "/services/legacy/"]);
    assert_eq!(
        owned(&o, "services/legacy/old.c"),
        (teams(&["@org/platform"]), 0, legacy)
    );
    // `[backend]` continues `[Backend]` (names are case-insensitive), with its own defaults.
    let billing = at(&["* @org/platform", "/services/billing/"]);
    assert_eq!(
        owned(&o, "services/billing/pay.go"),
        (teams(&["@org/backend-leads", "@org/platform"]), 0, billing)
    );
}

#[test]
fn unreadable_lines_are_skipped_with_warnings() {
    let text = "\
* @org/all
docs/ not-an-owner
[Unterminated
/ @org/root
src/[a @org/src
!generated/ @org/ignored
[Approvals][x] @org/approvals bad
approvals/
";
    let (o, warnings) = CodeOwners::parse(text);
    assert_eq!(
        warnings,
        [
            "line 2: 'not-an-owner' is not an owner (expected @user, @org/team or an email address); line skipped",
            "line 3: '[Unterminated' is an unterminated section header (expected [Section name])",
            "line 4: '/': matches no path; line skipped",
            "line 5: 'src/[a': unclosed character class; missing ']'; line skipped",
            "line 7: '[Approvals][x] @org/approvals bad': expected a number of approvals like [2]; ignored",
            "line 7: 'bad' is not an owner (expected @user, @org/team or an email address); ignored",
        ]
    );
    // Skipped lines name no teams and own nothing.
    assert_eq!(names(o.team_names()), ["@org/all", "@org/approvals"]);
    assert_eq!(o.lines_of(b"docs/a.md"), [1]);
    assert_eq!(o.lines_of(b"src/a.rs"), [1]);
    // `!pattern` (GitLab's exclusion) leaves the path unowned; its owners are ignored.
    assert_eq!(o.owners_of(b"generated/x.rs"), Owners::default());
    assert_eq!(o.lines_of(b"generated/x.rs"), [6]);
    // The section with a bad approval count still gives its default owners.
    let owners = o.owners_of(b"approvals/a");
    assert_eq!(names(&owners.teams), ["@org/all", "@org/approvals"]);
}

#[test]
fn star_alone_and_double_star_match_everything() {
    for line in ["* @org/a", "** @org/a", "/** @org/a"] {
        let o = parse(line);
        for path in ["a", "a/b/c.txt", ".github/workflows/ci.yml"] {
            assert_eq!(o.lines_of(path.as_bytes()), [1], "{line} {path}");
        }
    }
    let o = parse("/* @org/root-files");
    assert_eq!(o.lines_of(b"Makefile"), [1]);
    assert_eq!(o.lines_of(b"src/main.rs"), Vec::<usize>::new());
    let o = parse("");
    assert!(o.is_empty());
    assert_eq!(o.owners_of(b"a"), Owners::default());
}

// ---------------------------------------------------------------------------------------------
// Teams of changes

#[test]
fn changes_get_the_teams_of_their_paths_and_count_individual_only_paths() {
    let r = rules(&[], &[], Some(GITHUB_TEAMS));
    // api 0, api-v2 1, docs-team 2, docs-top 3, everyone 4, hash 5, ops 6.
    assert_eq!(
        r.team_names()[3..5],
        [Arc::from("@org/docs-top"), Arc::from("@org/everyone")]
    );
    let c = classify(&r, &["src/main.rs", "docs/a.md", "docs/b.md", "docs/x/c.md"]);
    assert_eq!(c.teams, [2, 3, 4]);
    assert_eq!(c.individual_only, 0);
    // docs/app.js (@js-owner) and web/apps/x (@octocat): individuals only; vendor/ is unowned.
    let c = classify(
        &r,
        &["docs/app.js", "vendor/x.c", "web/apps/x", "services/api/a.go"],
    );
    assert_eq!(c.individual_only, 2);
    assert_eq!(c.teams, [1]);
    // A path owned by a team and individuals is not individual-only.
    let mixed = rules(&[], &[], Some("* @alice @org/core\n*.js @bob"));
    let c = classify(&mixed, &["a.rs", "b/c.rs", "x.js"]);
    assert_eq!((c.teams.as_slice(), c.individual_only), ([0u16].as_slice(), 1));
}
