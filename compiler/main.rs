//! The `mypyc` command line: compile typed Python modules to C extensions.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use mypyc::build::driver::{self, GroupSpec, Options};

#[derive(Parser, Debug)]
#[command(
    name = "mypyc",
    version,
    about = "Compile typed Python modules into CPython C extensions"
)]
struct Cli {
    /// What to compile: Python source files, package directories (all their
    /// modules, recursively) and dotted module names.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Directory for generated C, IR (ops.txt) and objects.
    #[arg(long, default_value = "build")]
    build_dir: PathBuf,
    /// C optimization level (0-3).
    #[arg(short = 'O', long = "opt-level", env = "MYPYC_OPT_LEVEL", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,
    /// C debug information level (0-3).
    #[arg(short = 'g', long = "debug-level", env = "MYPYC_DEBUG_LEVEL", default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=3))]
    debug_level: u8,
    /// Do not compile assert statements.
    #[arg(long)]
    strip_asserts: bool,
    /// Print what the compiler does.
    #[arg(short, long)]
    verbose: bool,
    /// The Python interpreter to build for.
    #[arg(long, default_value = "python3")]
    python: String,
    /// Only type-check the files; compile nothing.
    #[arg(long)]
    check_only: bool,
    /// Compile each module into its own shared library (group); groups call
    /// each other through exports tables.
    #[arg(long)]
    separate: bool,
    /// With --separate: put the listed files into one group named NAME
    /// (NAME=FILE[,FILE...]; may be repeated).
    #[arg(long = "group", value_name = "NAME=FILES", value_parser = parse_group)]
    groups: Vec<GroupSpec>,
    /// Generate one C file per module (compiled in parallel) instead of one
    /// per group.
    #[arg(long)]
    multi_file: bool,
    /// Number of parallel C compiler jobs [default: one per core].
    #[arg(short = 'j', long = "jobs", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Name the (single) group's library NAME__mypyc instead of deriving
    /// the name from the module names.
    #[arg(long, value_name = "NAME", value_parser = parse_group_name)]
    group_name: Option<String>,
    /// Write the C (into --build-dir) and a JSON manifest of the extensions
    /// to build, for another build tool (setuptools) to compile; run no C
    /// compiler.
    #[arg(long)]
    generate_only: bool,
    /// With --generate-only: where to write the manifest [default:
    /// BUILD_DIR/manifest.json].
    #[arg(long, value_name = "FILE", requires = "generate_only")]
    manifest: Option<PathBuf>,
    /// With --generate-only: compile the runtime as one C file including all
    /// its sources (true), or each source on its own (false) [default: true,
    /// false with --multi-file].
    #[arg(long, value_name = "BOOL", requires = "generate_only")]
    include_runtime_files: Option<bool>,
}

fn parse_group_name(text: &str) -> Result<String, String> {
    let valid = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "invalid group name '{text}' (letters, digits and _ only)"
        ))
    }
}

fn parse_group(text: &str) -> Result<GroupSpec, String> {
    GroupSpec::parse(text)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.check_only {
        return report(driver::check_only(&cli.files));
    }
    let opts = Options {
        files: cli.files,
        build_dir: cli.build_dir.clone(),
        opt_level: cli.opt_level,
        debug_level: cli.debug_level,
        strip_asserts: cli.strip_asserts,
        verbose: cli.verbose,
        python: cli.python,
        separate: cli.separate || !cli.groups.is_empty(),
        groups: cli.groups,
        multi_file: cli.multi_file,
        jobs: cli.jobs.map(usize::from),
        group_name: cli.group_name,
        manifest: cli.generate_only.then(|| {
            cli.manifest
                .unwrap_or_else(|| cli.build_dir.join("manifest.json"))
        }),
        include_runtime_files: cli.include_runtime_files,
    };
    report(driver::compile(&opts))
}

/// Print diagnostics; the exit code.
fn report(result: Result<(), Vec<mypyc::diagnostics::Diagnostic>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            ExitCode::FAILURE
        }
    }
}
