//! `kbgen serve`'s watcher: which project folders to watch, which file events count, and the
//! loop that waits for a burst of events to end, rebuilds once and announces the new version.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{Shared, State};
use crate::build::Preview;

/// How long the watcher waits for a burst of file events to end: the events of one save come
/// within microseconds of each other (in place, write-then-rename, delete-then-create, vim's
/// backup dance), and the last ones of a slow save (removing a backup after an fsync) are of
/// ignored files. `tests/serve.rs` checks that each pattern gives one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// The folders of a project a rebuild reads (besides `kbgen.toml` at the root), as its
/// `[paths]` name them (the defaults when kbgen.toml does not parse).
fn project_folders(root: &Path) -> Vec<PathBuf> {
    let paths = crate::config::Config::load(root).map(|c| c.paths).ok();
    match paths {
        Some(p) => vec![p.content, p.templates, p.static_dir, p.data],
        None => ["content", "templates", "static", "data"].iter().map(PathBuf::from).collect(),
    }
    .into_iter()
    .map(|d| root.join(d))
    .collect()
}

/// Identity of a folder: deleted and made again, it is another folder to watch.
fn folder_id(dir: &Path) -> Option<u64> {
    let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some(0)
    }
}

/// Files whose changes never matter: editor swap and backup files, our own temporaries and
/// folders (serve's private folder, a build's staging folders).
fn ignored(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with(".#")
        || name.starts_with('.') && (name.ends_with(".swp") || name.ends_with(".swx") || name.ends_with(".tmp"))
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".tmp")
        || name.ends_with(".crswap")
        || path.components().any(|c| {
            let c = c.as_os_str();
            c == "site" || c == "target" || c == ".git" || c.to_str().is_some_and(crate::output::is_sibling_name)
        })
}

/// The file watcher of a served project, started before the first build so no save is missed.
pub(super) struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<PathBuf>,
    /// Folders watched, with the identity they had when the watch began.
    watched: Vec<(PathBuf, u64)>,
}

impl Watch {
    /// Watches the root (not recursively, for kbgen.toml and new folders) and each project
    /// folder recursively.
    pub(super) fn start(root: &Path) -> notify::Result<Watch> {
        let (tx, events) = std::sync::mpsc::channel::<PathBuf>();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Reading files (our own rebuild does) raises access events; only changes count.
            let change = |k: &notify::EventKind| {
                use notify::event::{EventKind, ModifyKind};
                matches!(k, EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any)
                    || matches!(k, EventKind::Modify(m) if !matches!(m, ModifyKind::Metadata(_)))
            };
            if let Ok(ev) = res {
                if !change(&ev.kind) {
                    return;
                }
                for p in ev.paths {
                    let _ = tx.send(p);
                }
            }
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watch { root: root.to_path_buf(), watcher, events, watched: Vec::new() };
        w.watch_new_folders()?;
        Ok(w)
    }

    /// Brings the watches in line with the project folders: folders made since the last call
    /// (their creation is itself a change: the rebuild it causes reads whatever they hold by
    /// then), folders deleted and made again (the old watch died with the old folder), and the
    /// folders `[paths]` names now.
    fn watch_new_folders(&mut self) -> notify::Result<()> {
        let wanted = project_folders(&self.root);
        let mut kept = Vec::new();
        for (d, id) in std::mem::take(&mut self.watched) {
            if wanted.contains(&d) && folder_id(&d) == Some(id) {
                kept.push((d, id));
            } else {
                let _ = self.watcher.unwatch(&d);
            }
        }
        self.watched = kept;
        for d in wanted {
            if self.watched.iter().any(|(w, _)| *w == d) {
                continue;
            }
            if let Some(id) = folder_id(&d) {
                self.watcher.watch(&d, RecursiveMode::Recursive)?;
                self.watched.push((d, id));
            }
        }
        Ok(())
    }
}

pub(super) fn watch(mut w: Watch, shared: &Shared) -> anyhow::Result<()> {
    let root = w.root.clone();
    let root = root.as_path();
    loop {
        let first = w.events.recv()?;
        let mut changed: Vec<PathBuf> = vec![first];
        // Debounce: wait until the burst is over.
        while let Ok(p) = w.events.recv_timeout(DEBOUNCE) {
            changed.push(p);
        }
        changed.retain(|p| !ignored(p));
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        w.watch_new_folders()?;
        let static_dir = project_folders(root).swap_remove(2);
        let css_only = changed.iter().all(|p| p.starts_with(&static_dir) && p.extension().is_some_and(|e| e == "css"));
        let message = {
            let mut st = shared.state.blocking_write();
            let start = Instant::now();
            let result = match st.preview.as_mut() {
                Some(preview) => preview.update(&changed).map(|u| u.drawn),
                None => Preview::new(root).map(|p| {
                    let n = p.pages();
                    st.preview = Some(p);
                    n
                }),
            };
            let ms = start.elapsed().as_millis();
            st.version += 1;
            if !css_only || st.error.is_some() || result.is_err() {
                st.reload = st.version;
            }
            let message = match result {
                Ok(drawn) => {
                    st.error = None;
                    let State { preview, warned, .. } = &mut *st;
                    let warnings = preview.as_ref().map(|p| warned.after(&p.site.warnings, root, Some(&changed)));
                    Ok((warnings.unwrap_or_default(), format!("rebuilt {drawn} pages in {ms} ms")))
                }
                Err(d) => {
                    let report = crate::diag::report(&d, 20);
                    st.error = Some(report.clone());
                    Err(format!("{report}rebuild failed; still serving the last good site"))
                }
            };
            shared.versions.send_replace((st.version, st.reload));
            message
        };
        // Printed outside the lock, and a closed terminal does not stop the server.
        use std::io::Write;
        let _ = match message {
            Ok((warnings, m)) => {
                let _ = write!(std::io::stderr(), "{warnings}");
                writeln!(std::io::stdout(), "{m}")
            }
            Err(m) => writeln!(std::io::stderr(), "{m}"),
        };
    }
}
