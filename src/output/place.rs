//! Output, last step: put a staged folder in place of the output folder without losing what is
//! not kbgen's. kbgen owns only the files it lists in the output folder's [`MANIFEST`]: on the
//! next build those it no longer writes go, and every other file there (`.git/`, `CNAME`,
//! `.nojekyll`, a host's uploads) is carried into the new site. Symlinks are never followed
//! out of the output folder: they are moved or removed as links. An output folder that is a
//! symlink to a folder (a web root, say) keeps its link: the site is installed in the link's
//! target file by file.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// The file in the output folder that lists, one path a line, the files kbgen wrote there.
pub const MANIFEST: &str = ".kbgen-manifest";

/// Puts the staged folder `tmp` (holding the files `written`) in place of `out`. On an error
/// `out` is as it was and `tmp` is gone, unless the error says where host files were left.
pub(super) fn place(tmp: &Path, out: &Path, written: &FxHashSet<String>) -> io::Result<()> {
    let old = std::fs::symlink_metadata(out).ok();
    let previous = if old.is_some() { read_manifest(out) } else { None };
    let placed = write_manifest(tmp, written).and_then(|()| match &old {
        None => std::fs::rename(tmp, out),
        Some(m) if m.file_type().is_symlink() || (m.is_dir() && !same_device(m, tmp)) => {
            // A link to a web root, or a mount point: the folder itself cannot be swapped.
            let target = std::fs::canonicalize(out)?;
            if !target.is_dir() {
                return Err(io::Error::other(format!("{} is a link to something that is not a folder", out.display())));
            }
            install_in_place(tmp, &target, written, previous.as_ref())
        }
        Some(m) if m.is_dir() && take_on(tmp, out, m, true).is_err() => {
            // The folder's owner, group, mode or extended attributes cannot be given to the
            // staged folder (another user's folder, an ACL this user may not set): keep the
            // folder itself and install the site into it.
            install_in_place(tmp, out, written, previous.as_ref())
        }
        Some(m) if m.is_dir() => {
            let owned = Owned::new(previous.as_ref(), written);
            let swapped = carry_host_files(out, tmp, Path::new(""), &owned).and_then(|()| swap(tmp, out));
            if let Err(e) = swapped {
                // Put the host's files back before the staged folder goes.
                let mine = Owned::new(Some(written), &FxHashSet::default());
                if let Err(back) = carry_host_files(tmp, out, Path::new(""), &mine) {
                    let kept = sibling(out, "kept");
                    let kept = if std::fs::rename(tmp, &kept).is_ok() { kept } else { tmp.to_path_buf() };
                    return Err(io::Error::other(format!(
                        "{e}; moving the files kbgen did not write back also failed ({back}): they are in {}",
                        kept.display()
                    )));
                }
                return Err(e);
            }
            Ok(())
        }
        Some(_) => Err(io::Error::other(format!("{} exists and is not a folder", out.display()))),
    });
    remove_tree(tmp);
    placed
}

/// Gives the staged folder `tmp` what the output folder `out` (metadata `old`) has of its own:
/// owner, group, mode with its setuid, setgid and sticky bits, and extended attributes (ACLs,
/// labels), so the swap changes the files and not who may read them. Not `exact` (as the
/// staged folder is made), the owner keeps write access, and files made in it already take a
/// setgid folder's group, as they would in the folder itself.
#[cfg(unix)]
pub(super) fn take_on(tmp: &Path, out: &Path, old: &std::fs::Metadata, exact: bool) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let now = std::fs::symlink_metadata(tmp)?;
    if (now.uid(), now.gid()) != (old.uid(), old.gid()) {
        // chown clears the setgid bit: the mode is set after it.
        std::os::unix::fs::chown(tmp, Some(old.uid()), Some(old.gid()))?;
    }
    let mode = old.mode() & 0o7777;
    let mode = if exact { mode } else { mode | 0o700 };
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode))?;
    if exact {
        copy_xattrs(out, tmp)?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub(super) fn take_on(_: &Path, _: &Path, _: &std::fs::Metadata, _: bool) -> io::Result<()> {
    Ok(())
}

/// Copies the extended attributes of `from` onto `to` (and removes those `to` has that `from`
/// lacks). An error when one cannot be read or set.
#[cfg(target_os = "linux")]
fn copy_xattrs(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{getxattr, getxattr_query, listxattr, listxattr_query, removexattr, setxattr, XattrFlags};
    fn names(p: &Path) -> io::Result<Vec<std::ffi::CString>> {
        let len = match listxattr_query(p) {
            Err(rustix::io::Errno::NOTSUP) => return Ok(Vec::new()),
            r => r?,
        };
        let mut buf = vec![0u8; len];
        let n = listxattr(p, &mut buf[..])?;
        buf.truncate(n);
        Ok(buf.split(|&b| b == 0).filter(|n| !n.is_empty()).filter_map(|n| std::ffi::CString::new(n).ok()).collect())
    }
    let value = |p: &Path, name: &std::ffi::CStr| -> io::Result<Vec<u8>> {
        let mut v = vec![0u8; getxattr_query(p, name)?];
        let n = getxattr(p, name, &mut v[..])?;
        v.truncate(n);
        Ok(v)
    };
    let wanted = names(from)?;
    for name in names(to)? {
        if !wanted.contains(&name) {
            removexattr(to, name.as_c_str())?;
        }
    }
    for name in &wanted {
        let v = value(from, name)?;
        if value(to, name).is_ok_and(|now| now == v) {
            continue;
        }
        setxattr(to, name.as_c_str(), &v, XattrFlags::empty())?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn copy_xattrs(_: &Path, _: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn same_device(m: &std::fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(other).is_ok_and(|o| o.dev() == m.dev())
}

#[cfg(not(unix))]
fn same_device(_: &std::fs::Metadata, _: &Path) -> bool {
    true
}

/// The paths listed in `dir`'s manifest; `None` when it has none. Lines that are not plain
/// relative paths inside the folder are ignored, so their files count as not kbgen's.
fn read_manifest(dir: &Path) -> Option<FxHashSet<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(text.lines().filter(|l| !l.starts_with('#') && is_plain_relative(l)).map(str::to_string).collect())
}

fn write_manifest(tmp: &Path, written: &FxHashSet<String>) -> io::Result<()> {
    let sorted: BTreeSet<&String> = written.iter().collect();
    let mut text = String::from(
        "# Files kbgen wrote here. The next build removes those it no longer writes and keeps every\n\
         # file not listed (a host's CNAME, .nojekyll, .git/). Do not edit.\n",
    );
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    std::fs::write(tmp.join(MANIFEST), text)
}

/// `a/b.html`: no empty, `.` or `..` segment, not absolute, no backslash.
fn is_plain_relative(p: &str) -> bool {
    !p.is_empty() && !p.contains('\\') && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// What kbgen wrote last time and writes now, with the folders either implies.
struct Owned<'a> {
    previous: Option<&'a FxHashSet<String>>,
    previous_dirs: FxHashSet<String>,
}

impl<'a> Owned<'a> {
    fn new(previous: Option<&'a FxHashSet<String>>, written: &FxHashSet<String>) -> Owned<'a> {
        let mut previous_dirs = FxHashSet::default();
        for p in previous.into_iter().flatten().chain(written) {
            let mut at = p.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                if !previous_dirs.insert(dir.to_string()) {
                    break;
                }
                at = dir;
            }
        }
        Owned { previous, previous_dirs }
    }

    fn wrote(&self, rel: &str) -> bool {
        rel == MANIFEST || self.previous.is_some_and(|p| p.contains(rel))
    }
}

/// Moves every file of `old/rel` that kbgen did not write into `new/rel`, unless kbgen writes
/// that path now (its file replaces the host's). A folder kbgen has nothing in moves whole.
fn carry_host_files(old: &Path, new: &Path, rel: &Path, owned: &Owned) -> io::Result<()> {
    for entry in std::fs::read_dir(old.join(rel))? {
        let entry = entry?;
        let r = rel.join(entry.file_name());
        let key = r.to_str().map(|s| s.replace('\\', "/"));
        let dest = new.join(&r);
        // Not following links: a link to a folder is moved as a link.
        if entry.file_type()?.is_dir() {
            let ours = key.as_ref().is_some_and(|k| owned.previous_dirs.contains(k));
            match std::fs::symlink_metadata(&dest).ok() {
                None if !ours => std::fs::rename(entry.path(), &dest)?,
                None => carry_host_files(old, new, &r, owned)?,
                Some(m) if m.is_dir() => carry_host_files(old, new, &r, owned)?,
                Some(_) => {}
            }
        } else if !key.as_ref().is_some_and(|k| owned.wrote(k)) && std::fs::symlink_metadata(&dest).is_err() {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// Swaps `tmp` in for the folder `out` (atomically where the system can: `out` is never
/// absent), then removes the old one.
fn swap(tmp: &Path, out: &Path) -> io::Result<()> {
    match exchange(tmp, out) {
        // `tmp` now holds the old site; the caller removes it.
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
        Err(e) => return Err(e),
    }
    let old = sibling(out, "old");
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    remove_tree(&old);
    Ok(())
}

/// Exchanges two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); `Unsupported` where
/// the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if [rustix::io::Errno::INVAL, rustix::io::Errno::NOSYS, rustix::io::Errno::NOTSUP].contains(&e) => {
            Err(io::ErrorKind::Unsupported.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// `.<name>-<what>-<pid>` beside `out`: this process's staging folders (`new`, `old`) and
/// serve's private folder (`serve`).
pub(super) fn sibling(out: &Path, what: &str) -> PathBuf {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{}-{what}-{}", out_name(out), std::process::id()))
}

/// Whether a file name is one [`sibling`] gives: kbgen's own folders, whose changes the
/// watcher of `serve` ignores.
pub(crate) fn is_sibling_name(name: &str) -> bool {
    let Some((rest, pid)) = name.strip_prefix('.').and_then(|n| n.rsplit_once('-')) else { return false };
    let what = rest.rsplit_once('-').map(|(_, w)| w);
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && what.is_some_and(|w| ["new", "old", "kept", "serve"].contains(&w))
}

fn out_name(out: &Path) -> &str {
    out.file_name().and_then(|n| n.to_str()).unwrap_or("site")
}

/// Installs the staged files into the real folder `target` one by one, then removes the files
/// kbgen wrote last time and no longer writes (and folders that leaves empty). Nothing is
/// written through a link: a link or file where kbgen needs a folder is an error, found before
/// anything moves.
fn install_in_place(
    tmp: &Path,
    target: &Path,
    written: &FxHashSet<String>,
    previous: Option<&FxHashSet<String>>,
) -> io::Result<()> {
    let mut files: Vec<&str> = written.iter().map(String::as_str).chain([MANIFEST]).collect();
    files.sort_unstable();
    for f in &files {
        check_folders(target, f)?;
        if std::fs::symlink_metadata(target.join(f)).is_ok_and(|m| m.is_dir()) {
            return Err(io::Error::other(format!(
                "{} is a folder where kbgen writes a file",
                target.join(f).display()
            )));
        }
    }
    for f in &files {
        let (from, to) = (tmp.join(f), target.join(f));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::rename(&from, &to).is_err() {
            // Another file system: copy beside the file, then rename over it.
            let part =
                to.with_file_name(format!(".{}.kbgen-part", to.file_name().and_then(|n| n.to_str()).unwrap_or("")));
            std::fs::copy(&from, &part)?;
            std::fs::rename(&part, &to)?;
        }
    }
    let mut emptied = BTreeSet::new();
    for gone in previous.into_iter().flatten().filter(|p| !written.contains(*p) && p.as_str() != MANIFEST) {
        if check_folders(target, gone).is_err() {
            continue;
        }
        let path = target.join(gone);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            std::fs::remove_file(&path)?;
            let mut at = gone.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                emptied.insert(dir.to_string());
                at = dir;
            }
        }
    }
    // Deepest first; a folder that still holds something stays.
    for dir in emptied.iter().rev() {
        let _ = std::fs::remove_dir(target.join(dir));
    }
    Ok(())
}

/// Every existing folder on the way from `target` to `rel` is a real folder, not a link or file.
fn check_folders(target: &Path, rel: &str) -> io::Result<()> {
    let mut at = target.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                return Err(io::Error::other(format!(
                    "{} is a link; kbgen does not write through links in the output folder",
                    at.display()
                )))
            }
            Ok(_) => return Err(io::Error::other(format!("{} is a file where kbgen needs a folder", at.display()))),
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Removes what a killed build or serve left beside `out`: `.<name>-new-PID`,
/// `.<name>-old-PID` and `.<name>-serve-PID` of processes no longer running. An old site left while `out` itself is missing (killed between
/// the two renames of a swap) is put back instead.
pub(super) fn clean_stale(out: &Path) {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefix = format!(".{}-", out_name(out));
    let mut stale: Vec<(bool, PathBuf)> = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let Some((what, pid)) = rest.split_once('-') else { continue };
        if !["new", "old", "serve"].contains(&what) || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid.parse() != Ok(std::process::id()) && !is_running(pid) {
            stale.push((what == "old", e.path()));
        }
    }
    for (old, path) in stale {
        if old && std::fs::symlink_metadata(out).is_err() && std::fs::rename(&path, out).is_ok() {
            continue;
        }
        remove_tree(&path);
    }
}

/// Whether process `pid` exists. Where that cannot be told, it is assumed to (nothing removed).
fn is_running(pid: &str) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid).exists()
    } else {
        true
    }
}

/// Removes a folder, its subfolders in parallel (a big site is tens of thousands of files).
/// Links are removed as links, never followed.
pub(super) fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.par_iter().for_each(|e| {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if let Ok(sub) = std::fs::read_dir(&p) {
                    let sub: Vec<_> = sub.filter_map(Result::ok).collect();
                    sub.par_iter().for_each(|q| {
                        let _ = if q.file_type().is_ok_and(|t| t.is_dir()) {
                            std::fs::remove_dir_all(q.path())
                        } else {
                            std::fs::remove_file(q.path())
                        };
                    });
                }
                let _ = std::fs::remove_dir_all(&p);
            } else {
                let _ = std::fs::remove_file(&p);
            }
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kbgens_own_folders_are_told_by_name() {
        for name in [".site-serve-12", ".site-new-3", ".public-old-45", ".my-site-kept-6"] {
            assert!(is_sibling_name(name), "{name}");
        }
        for name in ["site", ".site-serve-", ".site-serve-1x", "site-serve-12", ".site-other-12", ".git"] {
            assert!(!is_sibling_name(name), "{name}");
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_swap_is_one_exchange_so_the_output_folder_is_never_absent() {
        let tmp = tempfile::tempdir().unwrap();
        let (staged, out) = (tmp.path().join(".site-new-1"), tmp.path().join("site"));
        for (dir, what) in [(&staged, "new"), (&out, "old")] {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("index.html"), what).unwrap();
        }
        swap(&staged, &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        // Two renames would have left nothing at the staged path; an exchange leaves the old site.
        assert_eq!(std::fs::read_to_string(staged.join("index.html")).unwrap(), "old");
    }

    #[test]
    fn manifest_lines_outside_the_folder_are_ignored() {
        for bad in ["../x", "/etc/passwd", "a/../../x", "a//b", ".", "a\\..\\b", ""] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
        assert!(is_plain_relative("practices/a/index.html") && is_plain_relative(".nojekyll"));
    }
}
