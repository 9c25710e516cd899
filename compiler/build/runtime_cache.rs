//! The compiled C runtime (lib-rt), cached across builds and processes.
//!
//! The runtime sources are embedded in the compiler (see `build.rs`). They
//! are compiled once per (Python include dir and version, optimisation and
//! debug flags, compiler, content of the sources) into a cache entry
//! directory holding the sources (whose `CPy.h` generated code includes)
//! and the objects every group library links.
//!
//! Entries are built in a private temporary directory and renamed into
//! place when complete, so concurrent compiler processes (the test runner
//! builds many programs in parallel) either see a complete entry or none;
//! when two processes race, the loser discards its copy and uses the
//! winner's.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::cc::{compile_objects, BuildOptions};
use super::python::PythonConfig;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/lib_rt_sources.rs"));
}

/// A usable cache entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeObjects {
    /// The entry directory.
    pub dir: PathBuf,
    /// The directory holding `CPy.h` (to add to the include path).
    pub include_dir: PathBuf,
    /// The objects to link into every group library.
    pub objects: Vec<PathBuf>,
    /// Did this call compile the runtime (false: reused from the cache)?
    pub freshly_built: bool,
}

/// The runtime sources as (file name, contents), sorted by name: from
/// `override_dir` when given (its `*.c`/`*.h` files), else embedded.
pub fn runtime_sources(override_dir: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let Some(dir) = override_dir else {
        return Ok(embedded::LIB_RT_SOURCES
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect());
    };
    let entries =
        fs::read_dir(dir).map_err(|e| format!("cannot read runtime dir {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".c") || name.ends_with(".h") {
            let text = fs::read_to_string(entry.path())
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            out.push((name, text));
        }
    }
    out.sort();
    Ok(out)
}

/// The cache root: `explicit`, else `$MYPYC_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/mypyc-rs`, else `~/.cache/mypyc-rs`.
pub fn cache_root(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let non_empty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = non_empty("MYPYC_CACHE_DIR") {
        return Ok(p);
    }
    if let Some(p) = non_empty("XDG_CACHE_HOME") {
        return Ok(p.join("mypyc-rs"));
    }
    match non_empty("HOME") {
        Some(home) => Ok(home.join(".cache").join("mypyc-rs")),
        None => Err("no cache directory: set MYPYC_CACHE_DIR".into()),
    }
}

/// 64-bit FNV-1a, a stable content hash for cache keys (not for security).
fn fnv1a(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A 128-bit content hash as 32 hex digits (two FNV-1a passes).
pub fn content_hash(data: &[u8]) -> String {
    format!(
        "{:016x}{:016x}",
        fnv1a(data, 0),
        fnv1a(data, 0x9e37_79b9_7f4a_7c15)
    )
}

/// The cache key of a runtime build.
fn cache_key(cfg: &PythonConfig, opts: &BuildOptions, sources: &[(String, String)]) -> String {
    let mut data = Vec::new();
    let compiler = std::env::var("CC").unwrap_or_default();
    let cflags = std::env::var("CFLAGS").unwrap_or_default();
    let header = format!(
        "mypyc-runtime-v1\0{}\0{}\0{}\0{}\0{compiler}\0{cflags}\0",
        cfg.include_dir, cfg.version_string, opts.opt_level, opts.debug_level
    );
    data.extend_from_slice(header.as_bytes());
    for (name, text) in sources {
        data.extend_from_slice(format!("{name}\0{}\0", text.len()).as_bytes());
        data.extend_from_slice(text.as_bytes());
    }
    content_hash(&data)
}

/// Lists the objects of a complete entry, sorted.
fn entry_objects(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let obj_dir = dir.join("obj");
    let entries =
        fs::read_dir(&obj_dir).map_err(|e| format!("cannot read {}: {e}", obj_dir.display()))?;
    let mut objects: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "o" || x == "obj"))
        .collect();
    objects.sort();
    Ok(objects)
}

fn existing_entry(dir: &Path, freshly_built: bool) -> Result<RuntimeObjects, String> {
    Ok(RuntimeObjects {
        dir: dir.to_path_buf(),
        include_dir: dir.join("src"),
        objects: entry_objects(dir)?,
        freshly_built,
    })
}

/// Returns the compiled runtime for `cfg` and `opts`, compiling it into the
/// cache first if no complete entry exists.
pub fn ensure_runtime(cfg: &PythonConfig, opts: &BuildOptions) -> Result<RuntimeObjects, String> {
    let sources = runtime_sources(opts.runtime_dir.as_deref())?;
    let root = cache_root(opts.cache_dir.as_deref())?.join("runtime");
    let key = cache_key(cfg, opts, &sources);
    let entry = root.join(&key);
    if entry.join("obj").is_dir() {
        return existing_entry(&entry, false);
    }
    fs::create_dir_all(&root)
        .map_err(|e| format!("cannot create cache dir {}: {e}", root.display()))?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let tmp = root.join(format!(".tmp-{key}-{}-{nanos}", std::process::id()));
    let built = build_entry(cfg, opts, &sources, &tmp);
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    match fs::rename(&tmp, &entry) {
        Ok(()) => existing_entry(&entry, true),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            if entry.join("obj").is_dir() {
                // Another process finished first; use its entry.
                existing_entry(&entry, false)
            } else {
                Err(format!(
                    "cannot install runtime cache entry {}: {e}",
                    entry.display()
                ))
            }
        }
    }
}

/// Writes the sources into `dir/src` and compiles them into `dir/obj`.
fn build_entry(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    sources: &[(String, String)],
    dir: &Path,
) -> Result<(), String> {
    let src_dir = dir.join("src");
    fs::create_dir_all(&src_dir)
        .map_err(|e| format!("cannot create {}: {e}", src_dir.display()))?;
    let mut c_files = Vec::new();
    for (name, text) in sources {
        let path = src_dir.join(name);
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if name.ends_with(".c") {
            c_files.push(path);
        }
    }
    let obj_dir = dir.join("obj");
    fs::create_dir_all(&obj_dir)
        .map_err(|e| format!("cannot create {}: {e}", obj_dir.display()))?;
    compile_objects(cfg, opts, &c_files, &obj_dir, &[&src_dir])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> PythonConfig {
        PythonConfig {
            executable: "python3".into(),
            include_dir: "/inc".into(),
            ext_suffix: ".so".into(),
            version: (3, 11),
            version_string: "3.11.7".into(),
        }
    }

    #[test]
    fn key_depends_on_flags_and_sources() {
        let src = vec![("CPy.h".to_string(), "int x;".to_string())];
        let opts = BuildOptions::default();
        let k1 = cache_key(&cfg(), &opts, &src);
        assert_eq!(k1, cache_key(&cfg(), &opts, &src));
        let o0 = BuildOptions {
            opt_level: 0,
            ..BuildOptions::default()
        };
        assert_ne!(k1, cache_key(&cfg(), &o0, &src));
        let src2 = vec![("CPy.h".to_string(), "int y;".to_string())];
        assert_ne!(k1, cache_key(&cfg(), &opts, &src2));
        assert_eq!(k1.len(), 32);
    }

    #[test]
    fn explicit_cache_root_wins() {
        assert_eq!(
            cache_root(Some(Path::new("/x"))).unwrap(),
            PathBuf::from("/x")
        );
    }
}
