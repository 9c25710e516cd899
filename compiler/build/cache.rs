//! The incremental build's cache: what the last successful build knew of
//! each module, so that the next build checks and lowers only what changed.
//!
//! The cache lives in a directory users can choose (`--cache-dir`,
//! `MYPYC_CACHE_DIR`; by default `cache` in the build directory), with one
//! subdirectory per Python version. Per module it holds:
//! - a meta record (`<module>.meta.json`): the source's path, mtime, size
//!   and content hash, the hash of the options it was built with, its
//!   direct and indirect dependencies with the interface hash each had, its
//!   own interface hash, and the hashes of its data files;
//! - its data: the serialized interface (`<module>.interface.json`) and its
//!   IR before the transforms (`<module>.ir`, bincode).
//!
//! A build record (`build.json`) lists the sources and outputs of the last
//! build, so that a rebuild with nothing changed stops before parsing.
//! Every file is written atomically (data before the meta that names its
//! hash), a lock file serializes concurrent builds of one cache, and any
//! entry that does not read back exactly (missing, truncated, corrupt, of
//! another format or compiler) only makes its module stale.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::build::driver::write_atomic;
use crate::ir::ModuleIR;

/// Bump when a record's shape or meaning changes.
const CACHE_FORMAT: u32 = 1;

/// SHA-256 of `bytes`, in hex.
pub fn hash_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What identifies the compiler that wrote a cache: its version and its
/// executable's size and modification time (a rebuilt compiler may lower
/// the same source differently).
pub fn compiler_identity() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    let stamp = exe.map_or((0, 0), |m| (m.len(), mtime_nanos(&m)));
    format!("{} {} {}", env!("CARGO_PKG_VERSION"), stamp.0, stamp.1)
}

fn mtime_nanos(m: &std::fs::Metadata) -> u128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The cache's record of one module (see the module comment).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ModuleMeta {
    pub format: u32,
    pub compiler: String,
    pub path: String,
    pub mtime: u128,
    pub size: u64,
    pub source_hash: String,
    pub options_hash: String,
    /// The compiled modules it imports, and the interface hash of each.
    pub deps: BTreeMap<String, String>,
    /// Modules whose types it uses without importing them, and their
    /// interface hashes.
    pub indirect_deps: BTreeMap<String, String>,
    /// Its own interface hash (what its dependents recorded).
    pub interface_hash: String,
    pub interface_file_hash: String,
    pub ir_file_hash: String,
}

/// One file of a build's outputs, as the last build left it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OutputStamp {
    pub path: PathBuf,
    pub size: u64,
    pub mtime: u128,
}

impl OutputStamp {
    pub fn of(path: &Path) -> Option<OutputStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(OutputStamp {
            path: path.to_path_buf(),
            size: m.len(),
            mtime: mtime_nanos(&m),
        })
    }

    /// Is the file still as recorded?
    pub fn holds(&self) -> bool {
        OutputStamp::of(&self.path).as_ref() == Some(self)
    }
}

/// The record of the last successful build.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BuildRecord {
    pub format: u32,
    pub compiler: String,
    pub options_hash: String,
    /// Module name -> (source path, content hash), in build order.
    pub sources: Vec<(String, String, String)>,
    /// (path, content hash) of the library sources the checker read.
    pub libraries: Vec<(String, String)>,
    /// Paths where the checker looked for an imported module and found
    /// none: a file created there changes what the build sees.
    #[serde(default)]
    pub missing: Vec<String>,
    pub outputs: Vec<OutputStamp>,
}

/// An open cache directory, locked for this build.
pub struct Cache {
    dir: PathBuf,
    compiler: String,
    _lock: File,
}

impl Cache {
    /// Open (creating) the cache for Python `version` under `root`, and
    /// wait for other builds using it to finish.
    pub fn open(root: &Path, version: (u32, u32)) -> Result<Cache, String> {
        let dir = root.join(format!("{}.{}", version.0, version.1));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create cache directory {}: {e}", dir.display()))?;
        let lock_path = dir.join("lock");
        let lock = File::create(&lock_path)
            .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
        lock.lock()
            .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
        Ok(Cache {
            dir,
            compiler: compiler_identity(),
            _lock: lock,
        })
    }

    pub fn compiler(&self) -> &str {
        &self.compiler
    }

    fn file(&self, module: &str, suffix: &str) -> PathBuf {
        self.dir.join(format!("{module}.{suffix}"))
    }

    /// The meta record of `module`, if there is a readable one written by
    /// this compiler; otherwise why not (for `-v`).
    pub fn meta(&self, module: &str) -> Result<ModuleMeta, String> {
        let text = std::fs::read(self.file(module, "meta.json")).map_err(|_| "no cache entry")?;
        let meta: ModuleMeta =
            serde_json::from_slice(&text).map_err(|e| format!("unreadable meta record: {e}"))?;
        if meta.format != CACHE_FORMAT {
            return Err(format!(
                "cache format {} (want {CACHE_FORMAT})",
                meta.format
            ));
        }
        if meta.compiler != self.compiler {
            return Err("written by another build of the compiler".to_string());
        }
        Ok(meta)
    }

    /// The cached IR of `module`, checked against its meta record.
    pub fn ir(&self, module: &str, meta: &ModuleMeta) -> Result<ModuleIR, String> {
        let bytes = std::fs::read(self.file(module, "ir")).map_err(|_| "no cached IR")?;
        if hash_bytes(&bytes) != meta.ir_file_hash {
            return Err("cached IR does not match its meta record".to_string());
        }
        bincode::deserialize(&bytes).map_err(|e| format!("unreadable cached IR: {e}"))
    }

    /// Store a module: data files first, then the meta record naming them.
    /// A module only checked (not compiled) has no interface or IR.
    pub fn store(
        &self,
        module: &str,
        mut meta: ModuleMeta,
        data: Option<(&str, &ModuleIR)>,
    ) -> Result<(), String> {
        meta.format = CACHE_FORMAT;
        meta.compiler = self.compiler.clone();
        if let Some((interface_json, ir)) = data {
            let ir_bytes =
                bincode::serialize(ir).map_err(|e| format!("cannot serialize IR: {e}"))?;
            meta.ir_file_hash = hash_bytes(&ir_bytes);
            meta.interface_file_hash = hash_bytes(interface_json.as_bytes());
            self.write(
                &self.file(module, "interface.json"),
                interface_json.as_bytes(),
            )?;
            self.write(&self.file(module, "ir"), &ir_bytes)?;
        }
        let meta_json = serde_json::to_vec(&meta).map_err(|e| e.to_string())?;
        self.write(&self.file(module, "meta.json"), &meta_json)
    }

    /// The record of the last build, if readable and of this compiler.
    pub fn build_record(&self) -> Option<BuildRecord> {
        let text = std::fs::read(self.dir.join("build.json")).ok()?;
        let record: BuildRecord = serde_json::from_slice(&text).ok()?;
        (record.format == CACHE_FORMAT && record.compiler == self.compiler).then_some(record)
    }

    pub fn store_build_record(&self, mut record: BuildRecord) -> Result<(), String> {
        record.format = CACHE_FORMAT;
        record.compiler = self.compiler.clone();
        let json = serde_json::to_vec(&record).map_err(|e| e.to_string())?;
        self.write(&self.dir.join("build.json"), &json)
    }

    /// Forget the last build (before a build that may fail half-way).
    pub fn clear_build_record(&self) {
        let _ = std::fs::remove_file(self.dir.join("build.json"));
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        write_atomic(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

/// The meta record of a source as it is now (dependencies and hashes to
/// be filled in).
pub fn source_meta(path: &Path, text: &[u8], options_hash: &str) -> ModuleMeta {
    let m = std::fs::metadata(path).ok();
    ModuleMeta {
        format: CACHE_FORMAT,
        compiler: String::new(),
        path: path.to_string_lossy().to_string(),
        mtime: m.as_ref().map_or(0, mtime_nanos),
        size: m.map_or(0, |m| m.len()),
        source_hash: hash_bytes(text),
        options_hash: options_hash.to_string(),
        deps: BTreeMap::new(),
        indirect_deps: BTreeMap::new(),
        interface_hash: String::new(),
        interface_file_hash: String::new(),
        ir_file_hash: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_entries_do_not_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), (3, 11)).unwrap();
        let src = crate::build::driver::SourceModule {
            name: "m".into(),
            path: "m.py".into(),
            display_path: "m.py".into(),
        };
        let text = "class C:\n    x: float = 1e400\n\ndef f(c: C) -> float:\n    return c.x * 2\n";
        let ir = crate::build::driver::lower_module(&src, text, &Default::default()).unwrap();
        let meta = source_meta(Path::new("m.py"), b"x = 1\n", "opts");
        cache.store("m", meta, Some(("{}", &ir))).unwrap();
        let meta = cache.meta("m").unwrap();
        assert_eq!(cache.ir("m", &meta).unwrap(), ir);
        // A truncated IR file no longer matches its meta record.
        let ir_path = cache.file("m", "ir");
        let bytes = std::fs::read(&ir_path).unwrap();
        std::fs::write(&ir_path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(cache.ir("m", &meta).is_err());
        // Garbage in the meta record is "no entry", not a crash.
        std::fs::write(cache.file("m", "meta.json"), b"{\"format\": 1, garbage").unwrap();
        assert!(cache.meta("m").is_err());
        assert!(cache.meta("other").is_err());
    }
}
