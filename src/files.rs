//! Writing files without losing what was there: a new file is written beside the
//! old one (same directory, so the rename stays on one file system) and renamed
//! over it only once complete; a full disk or a crash leaves the old file whole.
//! Also: whether two paths are one file (so an output that is an input is refused).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file being written in place of `dest`; [`Replacement::commit`] renames it
/// over `dest`, dropping it uncommitted removes it.
pub struct Replacement {
    file: Option<io::BufWriter<File>>,
    tmp: PathBuf,
    dest: PathBuf,
}

impl Replacement {
    /// Starts a temporary file beside `dest` (`.NAME.cba-PID.tmp`).
    pub fn create(dest: &Path) -> io::Result<Replacement> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let tmp = dir.join(format!(".{name}.cba-{}.tmp", std::process::id()));
        let file = File::create(&tmp)?;
        // Keep the permissions of the file replaced, when there is one.
        if let Ok(meta) = std::fs::metadata(dest) {
            let _ = file.set_permissions(meta.permissions());
        }
        Ok(Replacement {
            // Smaller than a chunk of `cba batch`'s answers, which then
            // pass straight through instead of being copied.
            file: Some(io::BufWriter::with_capacity(64 * 1024, file)),
            tmp,
            dest: dest.to_path_buf(),
        })
    }

    /// Flushes, syncs and renames the new file over the destination.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().ok_or_else(|| io::Error::other("already committed"))?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest)
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Replaces the contents of `dest` with `bytes` through a [`Replacement`].
pub fn replace(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut r = Replacement::create(dest)?;
    r.write_all(bytes)?;
    r.commit()
}

/// Whether `a` and `b` name one existing file (same device and inode: `io.jsonl`,
/// `./io.jsonl`, a link to it). `-` stands for standard input.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let meta = |p: &Path| {
        if p.as_os_str() == "-" {
            std::fs::metadata("/dev/stdin")
        } else {
            std::fs::metadata(p)
        }
    };
    match (meta(a), meta(b)) {
        (Ok(x), Ok(y)) => same(&x, &y),
        _ => false,
    }
}

#[cfg(unix)]
fn same(x: &std::fs::Metadata, y: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    x.dev() == y.dev() && x.ino() == y.ino() && x.is_file()
}

#[cfg(not(unix))]
fn same(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_leaves_the_old_file_until_committed() {
        let dir = std::env::temp_dir().join(format!("cba-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let dest = dir.join("out.txt");
        std::fs::write(&dest, "old").expect("write");
        let mut r = Replacement::create(&dest).expect("create");
        r.write_all(b"new").expect("write");
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "old");
        drop(r);
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "old");
        assert_eq!(
            std::fs::read_dir(&dir).expect("list").count(),
            1,
            "the temporary file is removed"
        );
        replace(&dest, b"new").expect("replace");
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "new");
        assert!(same_file(&dest, &dir.join(".").join("out.txt")));
        assert!(!same_file(&dest, &dir));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
