//! Build script: embeds the C runtime (`lib-rt/*.c`, `lib-rt/*.h`) into the
//! compiler binary, so that `mypyc` can write and compile it on demand
//! without knowing where the source tree is. The list is discovered from the
//! directory, so adding a runtime file needs no change here.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let lib_rt = root.join("lib-rt");
    println!("cargo:rerun-if-changed={}", lib_rt.display());
    let mut names: Vec<String> = match fs::read_dir(&lib_rt) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".c") || n.ends_with(".h"))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    let mut out = String::from(
        "/// The runtime sources (`lib-rt/`), as (file name, contents), sorted by name.\n",
    );
    out.push_str("pub const LIB_RT_SOURCES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = lib_rt.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            name,
            path_str(&path)
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lib_rt_sources.rs");
    fs::write(dest, out).expect("write lib_rt_sources.rs");
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
