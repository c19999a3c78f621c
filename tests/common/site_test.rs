//! `SiteTest`: a project in a temporary folder to edit, build and read, like mdBook's
//! `BookTest`. Start from a fixture (`SiteTest::fixture("site")`) or the repo's own project
//! (`SiteTest::repo()`), change files, run `kbgen`, then assert on the output and the errors.

use std::path::{Path, PathBuf};

use super::{copy_dir, kbgen, repo, text};

pub struct SiteTest {
    _tmp: tempfile::TempDir,
    /// The project folder.
    pub root: PathBuf,
}

/// What a run of `kbgen` printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the run succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "kbgen failed:\n{}{}", self.stdout, self.stderr);
        self
    }

    /// Asserts the run failed with exit code 1.
    pub fn failed(self) -> Run {
        assert_eq!(self.code, Some(1), "kbgen did not fail:\n{}{}", self.stdout, self.stderr);
        self
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> SiteTest {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        copy_dir(&repo().join("tests/fixtures").join(name), &root);
        SiteTest { _tmp: tmp, root }
    }

    /// A copy of the repo's own project (content, templates, static, data, kbgen.toml).
    pub fn repo() -> SiteTest {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("kb");
        for d in ["content", "templates", "static", "data"] {
            copy_dir(&repo().join(d), &root.join(d));
        }
        std::fs::copy(repo().join("kbgen.toml"), root.join("kbgen.toml")).unwrap();
        SiteTest { _tmp: tmp, root }
    }

    /// A path inside the project.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file of the project (its folders made as needed).
    pub fn write(&self, rel: &str, text: &str) -> &SiteTest {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Rewrites a file of the project; the edit must change it.
    pub fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) -> &SiteTest {
        let old = std::fs::read_to_string(self.path(rel)).unwrap();
        let new = f(old.clone());
        assert_ne!(new, old, "the edit changes {rel}");
        self.write(rel, &new)
    }

    /// A built-in template, to write a changed copy into the project.
    pub fn builtin_template(name: &str) -> &'static str {
        kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == name).unwrap().1
    }

    /// Runs `kbgen ARGS` in the project.
    pub fn run(&self, args: &[&str]) -> Run {
        let o = kbgen(&self.root, args);
        Run { code: o.status.code(), stdout: text(&o.stdout), stderr: text(&o.stderr) }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }

    /// A file of the built site (`site/PATH`).
    pub fn output(&self, rel: &str) -> String {
        std::fs::read_to_string(Path::new(&self.root).join("site").join(rel)).unwrap()
    }
}
