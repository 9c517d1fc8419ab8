//! `git patch-id --stable`'s hashing (`builtin/patch-id.c`), ported line for line: fed the
//! lines `git log -p` prints for one commit, it gives that commit's patch id.

use gix::ObjectId;

/// git's whitespace (`isspace` of its `ctype.c`): space, tab, line feed, carriage return.
fn is_git_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// `get_one_patchid` of git's `builtin/patch-id.c` in `--stable` mode, for one commit,
/// fed line by line. Lines are taken as C strings (up to a NUL byte), as git reads them.
pub(super) struct PatchId {
    kind: gix::hash::Kind,
    ctx: gix::hash::Hasher,
    /// The sum of the flushed file hashes (`result` in git).
    result: [u8; 64],
    /// Bytes hashed so far; no id when nothing was.
    len: usize,
    before: i64,
    after: i64,
    binary: bool,
    pre: Vec<u8>,
    post: Vec<u8>,
    /// git stops reading the patch at a line it cannot place; what follows would be another
    /// (commit-less) patch, ignored here.
    stopped: bool,
    /// A line being hashed with its whitespace removed.
    squeezed: Vec<u8>,
    /// A hash that could not be finished (a SHA-1 collision attack).
    error: Option<String>,
}

impl PatchId {
    pub(super) fn new(kind: gix::hash::Kind) -> Self {
        PatchId {
            kind,
            ctx: gix::hash::hasher(kind),
            result: [0; 64],
            len: 0,
            before: -1,
            after: -1,
            binary: false,
            pre: Vec::new(),
            post: Vec::new(),
            stopped: false,
            squeezed: Vec::new(),
            error: None,
        }
    }

    pub(super) fn reset(&mut self) {
        self.ctx = gix::hash::hasher(self.kind);
        self.result = [0; 64];
        self.len = 0;
        self.before = -1;
        self.after = -1;
        self.binary = false;
        self.stopped = false;
        self.error = None;
    }

    /// `flush_one_hunk`: the hash so far added to the result, bytewise with carry.
    fn flush(&mut self) {
        let ctx = std::mem::replace(&mut self.ctx, gix::hash::hasher(self.kind));
        match ctx.try_finalize() {
            Ok(hash) => {
                let mut carry = 0u16;
                for (r, h) in self.result.iter_mut().zip(hash.as_bytes()) {
                    carry += u16::from(*r) + u16::from(*h);
                    *r = carry as u8;
                    carry >>= 8;
                }
            }
            // A SHA-1 collision attack in a diff: git dies, and so does this commit's id.
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// The id of the commit: `None` when nothing was hashed.
    pub(super) fn finish(&mut self) -> Result<Option<ObjectId>, String> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        Ok((self.len > 0).then(|| ObjectId::from_bytes_or_panic(&self.result[..self.kind.len_in_bytes()])))
    }

    /// An `index <pre>..<post>` line: only its two (abbreviated) ids are kept, for a binary
    /// file. git reads them in a file's header only, where this line always is.
    pub(super) fn index(&mut self, pre: &str, post: &str) {
        if !self.stopped && self.len > 0 && self.before == -1 && !self.binary {
            self.pre.clear();
            self.pre.extend_from_slice(pre.as_bytes());
            self.post.clear();
            self.post.extend_from_slice(post.as_bytes());
        }
    }

    /// A hunk header `@@ -x,before +y,after @@`: git reads only its counts.
    pub(super) fn hunk(&mut self, before: i64, after: i64) {
        if !self.stopped && !self.binary && self.before == 0 && self.after == 0 {
            self.before = before;
            self.after = after;
        } else {
            // Anywhere else (never, for the lines generated here) git takes it as a line.
            self.line(format!("@@ -1,{before} +1,{after} @@\n").as_bytes());
        }
    }

    /// One line of `git log -p` output (without hunk headers and `index` lines).
    pub(super) fn line(&mut self, line: &[u8]) {
        if self.stopped {
            return;
        }
        let line = &line[..memchr::memchr(0, line).unwrap_or(line.len())];
        if line.starts_with(b"\\ ") && line.len() > 12 {
            return;
        }
        if self.len == 0 && !line.starts_with(b"diff ") {
            return;
        }
        if self.before == -1 {
            if line.starts_with(b"GIT binary patch") || line.starts_with(b"Binary files") {
                self.binary = true;
                self.before = 0;
                self.ctx.update(&self.pre);
                self.ctx.update(&self.post);
                self.flush();
                return;
            } else if line.starts_with(b"index ") {
                return;
            } else if line.starts_with(b"--- ") {
                self.before = 1;
                self.after = 1;
            } else if !line.first().is_some_and(u8::is_ascii_alphabetic) {
                self.stopped = true;
                return;
            }
        }
        if self.binary {
            if line.starts_with(b"diff ") {
                self.binary = false;
                self.before = -1;
            }
            return;
        }
        if self.before == 0 && self.after == 0 {
            // A hunk header here comes through `hunk`; anything else but a `diff` line ends
            // git's patch.
            if !line.starts_with(b"diff ") {
                self.stopped = true;
                return;
            }
            self.flush();
            self.before = -1;
            self.after = -1;
        }
        match line.first() {
            Some(b'-') => self.before -= 1,
            Some(b'+') => self.after -= 1,
            Some(b' ') => {
                self.before -= 1;
                self.after -= 1;
            }
            _ => {}
        }
        self.squeezed.clear();
        self.squeezed
            .extend(line.iter().copied().filter(|&c| !is_git_space(c)));
        self.len += self.squeezed.len();
        self.ctx.update(&self.squeezed);
    }
}
