//! The command line: clap definitions and the glue from arguments to library calls.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::gazetteer::Gazetteer;
use crate::import::{self, Importer};
use crate::vocab::Vocabulary;

/// kbgen — build a searchable static site from Chinese policy-practice articles.
#[derive(Debug, Parser)]
#[command(name = "kbgen", version, about, long_about = None)]
pub struct Cli {
    /// Project folder (holds content/, data/, templates/); default: the current folder.
    #[arg(short = 'C', long = "root", global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new knowledge base in DIR (default: the current folder): kbgen.toml, content/,
    /// sources/ and data/mechanisms.yaml. It builds and serves at once.
    Init {
        /// Folder to create it in; it must be empty (or not exist) unless --force.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The site's title (asked for on a terminal; otherwise the folder's name).
        #[arg(long)]
        title: Option<String>,
        /// Create it in a folder that is not empty; no existing file is overwritten.
        #[arg(long)]
        force: bool,
        /// Also copy the built-in templates into templates/ to edit them; in an existing
        /// knowledge base, copy only them.
        #[arg(long)]
        templates: bool,
    },
    /// Build the static site from content/ into site/ (replaced only when the build succeeds).
    Build,
    /// Serve a live preview that rebuilds and reloads open pages on every save.
    ///
    /// The site is built into .site-serve-<pid>/ beside site/ (site/ is not touched; the folder
    /// goes when serve stops); content/, templates/, static/, data/ and kbgen.toml are watched.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Time incremental rebuilds (the code path of `serve`): build as serve does, then append a
    /// sentence to FILE and rebuild, RUNS times; prints one JSON line. FILE is restored after.
    #[command(hide = true)]
    BenchRebuild {
        /// A page file to edit, relative to the project folder.
        #[arg(long, value_name = "FILE")]
        edit: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Validate everything a build would, and every internal link; write nothing.
    Check,
    /// Print the search tokenizer's tokens for each line of standard input, as JSON lines
    /// (the contract the browser's tokenizer is tested against).
    #[command(hide = true)]
    Tokens,
    /// Turn raw scraped articles into tagged Markdown pages: .txt, .md and .html files (any common
    /// encoding), JSON Lines and CSV with one article per record (and, named here, a .json array
    /// of them), WARC web archives (.warc, .warc.gz).
    Import {
        /// Raw article files or folders of them.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Content folder to write to; pages go to DIR/practices/. Default: <root>/content.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite pages even when they were edited since they were imported.
        #[arg(long)]
        force: bool,
        /// Write the fields that need a person's look to FILE as CSV (file, page, field, value, why).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Apply an edited vocabulary or gazetteer to the imported pages, keeping people's edits.
    ///
    /// Region, mechanism, practice and keywords are computed again from each page's text (with
    /// data/mechanisms.yaml and the gazetteer), except where a person changed them; only those
    /// keys' lines are rewritten, never a page's body. Prints every change.
    Retag {
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn bench_rebuild(root: &Path, edit: &Path, runs: usize) -> anyhow::Result<String> {
    use anyhow::Context;
    let file = root.join(edit);
    let original = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let start = std::time::Instant::now();
    let mut preview =
        crate::build::Preview::new(root).map_err(|d| anyhow::anyhow!("{}", crate::diag::report(&d, 5)))?;
    let full_ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::new();
    let mut drawn = Vec::new();
    let result = (|| {
        for run in 0..runs {
            std::fs::write(&file, format!("{original}\n基准测试第{run}次修改：网格员入户走访。\n"))?;
            let start = std::time::Instant::now();
            let u = preview
                .update(std::slice::from_ref(&file))
                .map_err(|d| anyhow::anyhow!("{}", crate::diag::report(&d, 5)))?;
            times.push((start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0);
            drawn.push(u.drawn);
        }
        anyhow::Ok(())
    })();
    std::fs::write(&file, &original)?;
    result?;
    let pages = preview.pages();
    Ok(serde_json::json!({ "pages": pages, "full_ms": full_ms.round(), "incremental_ms": times, "drawn": drawn })
        .to_string())
}

/// Runs a parsed command line; errors are printed here and turned into exit code 1.
pub fn run(cli: Cli) -> ExitCode {
    if let Command::Init { dir, title, force, templates } = cli.command {
        let dir = dir.unwrap_or_else(|| PathBuf::from("."));
        let dir = match &cli.root {
            Some(root) => root.join(dir),
            None => dir,
        };
        return init_command(dir, title, force, templates);
    }
    let root = cli.root.unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Build => build_command(&root),
        Command::Check => match crate::build::build(&root, false) {
            Ok(s) => {
                warn(&s.warnings);
                println!("checked {} practices, {} pages: no problems", s.practices, s.pages);
                ExitCode::SUCCESS
            }
            Err(diags) => fail(&diags, "check failed"),
        },
        Command::BenchRebuild { edit, runs } => match bench_rebuild(&root, &edit, runs) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Serve { port, bind, open } => match crate::serve::run(&root, &bind, port, open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Tokens => tokens_command(),
        Command::Retag { dry_run } => match retag_command(&root, dry_run) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Import { inputs, out, force, report } => {
            match import_command(&root, &inputs, out.as_deref(), force, report.as_deref()) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn init_command(dir: PathBuf, title: Option<String>, force: bool, templates: bool) -> ExitCode {
    use std::io::{BufRead, IsTerminal, Write};
    let ejecting = templates && dir.join(crate::config::FILE_NAME).is_file();
    let title = title.or_else(|| {
        if ejecting || !std::io::stdin().is_terminal() {
            return None;
        }
        print!("title of the knowledge base (Enter: the folder's name): ");
        std::io::stdout().flush().ok()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        Some(line.trim().to_string()).filter(|t| !t.is_empty())
    });
    let done = match crate::init::init(&crate::init::Options { dir: dir.clone(), title, force, templates }) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    for p in &done.created {
        println!("  created   {}{}", p.display(), if p.is_dir() { "/" } else { "" });
    }
    for p in &done.kept {
        println!("  kept      {} (it was there)", p.display());
    }
    for (p, lines) in &done.updated {
        println!("  updated   {} (added {lines})", p.display());
    }
    for p in &done.links {
        println!("  skipped   {} (a symbolic link is in the way: kbgen writes nothing through one)", p.display());
    }
    if done.ejected {
        println!("copied {} templates into {}: edit them there", done.created.len(), dir.join("templates").display());
        return ExitCode::SUCCESS;
    }
    println!("\nnew knowledge base in {}. Put your scraper's files (.txt, .md, .html, .jsonl, .csv, .warc, .warc.gz) in sources/, then:", dir.display());
    for c in crate::init::next_commands(&dir) {
        println!("  {c}");
    }
    ExitCode::SUCCESS
}

/// `kbgen build`: the summary line, and a warning when there is no page at all.
fn build_command(root: &Path) -> ExitCode {
    match crate::build::build(root, true) {
        Ok(s) => {
            warn(&s.warnings);
            if s.practices == 0 {
                eprintln!(
                    "warning: no practice pages found in {}: the site has none (kbgen import RAW_FILES writes them)",
                    crate::config::Config::load(root)
                        .map(|c| c.paths.content.join(crate::site::PRACTICES).display().to_string())
                        .unwrap_or_else(|_| "content/practices".into())
                );
            }
            println!("built {} practices, {} pages in {:.2} s", s.practices, s.pages, s.seconds);
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags, "build failed; the previous site was left as it was"),
    }
}

/// `kbgen tokens`: the fold table, then per line of standard input its base and index tokens
/// (what tests/js compares the browser's tokenizer with).
fn tokens_command() -> ExitCode {
    let fold: String = crate::search::fold_table().iter().flat_map(|(a, b)| [*a, *b]).collect();
    println!("{}", serde_json::json!({ "fold": fold }));
    for line in std::io::stdin().lines().map_while(Result::ok) {
        let out = serde_json::json!({
            "text": line,
            "base": crate::search::base_tokens(&line),
            "index": crate::search::index_tokens(&line),
        });
        println!("{out}");
    }
    ExitCode::SUCCESS
}

/// Prints warnings (the first 20 in full, then a count) on standard error.
fn warn(warnings: &[crate::diag::Diagnostic]) {
    eprint!("{}", crate::diag::warnings(warnings.iter(), 20));
}

/// Prints every diagnostic (the first 20 in full) and a summary line; exit code 1.
fn fail(diags: &[crate::diag::Diagnostic], what: &str) -> ExitCode {
    let files: std::collections::BTreeSet<_> = diags.iter().map(|d| &d.file).collect();
    eprint!("{}", crate::diag::report(diags, 20));
    eprintln!(
        "{what}: {} {} in {} {}",
        diags.len(),
        if diags.len() == 1 { "error" } else { "errors" },
        files.len(),
        if files.len() == 1 { "file" } else { "files" }
    );
    ExitCode::FAILURE
}

/// The project's configuration, or the defaults in a folder without kbgen.toml.
fn project_config(root: &Path) -> anyhow::Result<crate::config::Config> {
    if root.join("kbgen.toml").exists() {
        // The report says `error: ` itself, as does the caller.
        crate::config::Config::load(root).map_err(|d| {
            let report = crate::diag::report(&[d], 1);
            anyhow::anyhow!("{}", report.strip_prefix("error: ").unwrap_or(&report).trim_end())
        })
    } else {
        Ok(crate::config::Config::parse("title = \"\"\n", Path::new("kbgen.toml")).expect("defaults parse"))
    }
}

/// `kbgen retag [--dry-run]`: a line per page changed and per field, the totals.
fn retag_command(root: &Path, dry_run: bool) -> anyhow::Result<bool> {
    use crate::diag::printable;
    let paths = project_config(root)?.paths;
    let data = root.join(&paths.data);
    let vocab = Vocabulary::load_or_builtin(&data.join("mechanisms.yaml"))?;
    let gazetteer = Gazetteer::load_or_builtin(&data.join("regions.tsv")).map_err(anyhow::Error::msg)?;
    let importer = Importer::new(gazetteer, &vocab);
    let dir = root.join(&paths.content).join(crate::site::PRACTICES);
    let results = import::retag::retag(&importer, &dir, dry_run);
    let list = |v: &[String]| format!("[{}]", v.join(", "));
    let (mut pages, mut fields, mut kept, mut by_person, mut same, mut failed) = (0, 0, 0, 0, 0, 0);
    for (path, r) in &results {
        let shown = printable(&path.display().to_string()).into_owned();
        match r {
            Err(e) => {
                failed += 1;
                eprintln!("error: {shown}: {}", printable(e));
            }
            Ok(p) if p.changed.is_empty() && p.kept.is_empty() => same += 1,
            Ok(p) => {
                println!("{shown}");
                for c in &p.changed {
                    println!("  {}: {} → {}", c.field, printable(&list(&c.old)), printable(&list(&c.new)));
                }
                for (c, why) in &p.kept {
                    println!(
                        "  {}: kept {} ({why}; the vocabulary gives {})",
                        c.field,
                        printable(&list(&c.old)),
                        printable(&list(&c.new))
                    );
                }
                pages += usize::from(!p.changed.is_empty());
                fields += p.changed.len();
                kept += p.kept.len();
                by_person += p.kept.iter().filter(|(_, why)| why.contains("edited")).count();
                same += usize::from(p.changed.is_empty());
            }
        }
    }
    println!(
        "{} {pages} of {} pages: {fields} fields changed, {kept} kept ({by_person} edited by a person), {same} pages unchanged{}{}",
        if dry_run { "would retag" } else { "retagged" },
        results.len(),
        if failed > 0 { format!(", {failed} failed") } else { String::new() },
        if dry_run { "; nothing written (--dry-run)" } else { "" }
    );
    Ok(failed == 0)
}

fn import_command(
    root: &Path,
    inputs: &[PathBuf],
    out: Option<&Path>,
    force: bool,
    report: Option<&Path>,
) -> anyhow::Result<bool> {
    // The project's [paths] say where pages go and where the vocabulary and gazetteer are; a
    // folder without kbgen.toml imports with the defaults.
    let config = project_config(root)?;
    let paths = config.paths;
    let site = root.join(&paths.output);
    refuse_the_site_as_input(inputs, &site, &paths.output)?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| root.join(&paths.content));
    let out = out.as_path();
    let data = root.join(&paths.data);
    let vocab = Vocabulary::load_or_builtin(&data.join("mechanisms.yaml"))?;
    let gazetteer = Gazetteer::load_or_builtin(&data.join("regions.tsv")).map_err(anyhow::Error::msg)?;
    let importer = Importer::new(gazetteer, &vocab);
    // The site's own folders hold HTML that is no article: a walk of the project skips them.
    let skip = [site, root.join(&paths.templates), root.join(&paths.static_dir)];
    let reports = import::run_with(&importer, inputs, out, force, &config.import.fields, &skip);
    import::report::print(&reports, report)
}

/// The built site is the knowledge base, not raw articles: an INPUT that is the output folder
/// (`[paths] output`), lies inside it or inside any built site is refused. (A folder's walk
/// skips such folders below it.)
fn refuse_the_site_as_input(inputs: &[PathBuf], site: &Path, key: &Path) -> anyhow::Result<()> {
    let site = site.canonicalize().ok();
    for input in inputs {
        let Ok(resolved) = input.canonicalize() else { continue };
        let in_site = site.as_ref().is_some_and(|s| resolved.starts_with(s));
        let built = resolved.ancestors().find(|a| a.is_dir() && import::run::is_built_site(a));
        if in_site || built.is_some() {
            anyhow::bail!(
                "{}: {} kbgen build's output ([paths] output = \"{}\" in kbgen.toml), not raw articles: \
                 import the raw files the site was built from{}",
                crate::diag::printable(&input.display().to_string()),
                if in_site { "is in" } else { "is a built site," },
                key.display(),
                if in_site { "; to import a folder named like it, set another output in kbgen.toml" } else { "" }
            );
        }
    }
    Ok(())
}
