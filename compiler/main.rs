//! The `mypyc` command line: compile typed Python modules to C extensions.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use mypyc::build::driver::{self, GroupSpec, Options};
use mypyc::build::mypy_config::{ConfigValue, MypyFlags, MypyOptions};

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
    /// Number of parallel jobs (parsing, checking, lowering, C compiles)
    /// [default: one per core].
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
    /// Where the incremental build keeps what it knows of each module
    /// [default: BUILD_DIR/cache].
    #[arg(long, value_name = "DIR", env = "MYPYC_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Check and lower every module again, ignoring (and then refreshing)
    /// the cache.
    #[arg(long)]
    no_incremental: bool,
    #[command(flatten)]
    mypy: MypyArgs,
}

/// The mypy flags mypyc passes to mypy that this compiler understands (see
/// `build::mypy_config` for what each means here).
#[derive(clap::Args, Debug)]
#[command(next_help_heading = "mypy options")]
struct MypyArgs {
    /// Read mypy's configuration from FILE [default: mypy.ini, .mypy.ini,
    /// pyproject.toml or setup.cfg, found as mypy finds them].
    #[arg(long, value_name = "FILE")]
    config_file: Option<PathBuf>,
    /// Imports of modules the compiler cannot find are `Any` (always true
    /// here).
    #[arg(long)]
    ignore_missing_imports: bool,
    /// The Python version to check for (as mypyc, the interpreter being
    /// built for decides).
    #[arg(long, value_name = "X.Y", value_parser = parse_python_version)]
    python_version: Option<String>,
    /// Do not report errors with this code (may be repeated or
    /// comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    disable_error_code: Vec<String>,
    /// Report errors with this code (re-enables a disabled code).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    enable_error_code: Vec<String>,
    /// Functions must be annotated (mypy's [no-untyped-def]).
    #[arg(long)]
    disallow_untyped_defs: bool,
    /// Partly annotated functions must be fully annotated.
    #[arg(long)]
    disallow_incomplete_defs: bool,
    /// mypy's strict mode: the two checks above; its other checks are
    /// accepted but not implemented (`-v` lists them), as are the flags of
    /// its other parts.
    #[arg(long)]
    strict: bool,
    #[arg(long, hide = true)]
    check_untyped_defs: bool,
    #[arg(long, hide = true)]
    disallow_untyped_calls: bool,
    #[arg(long, hide = true)]
    disallow_untyped_decorators: bool,
    #[arg(long, hide = true)]
    disallow_any_generics: bool,
    #[arg(long, hide = true)]
    disallow_subclassing_any: bool,
    #[arg(long, hide = true)]
    warn_return_any: bool,
    #[arg(long, hide = true)]
    warn_unused_ignores: bool,
    #[arg(long, hide = true)]
    warn_redundant_casts: bool,
    #[arg(long, hide = true)]
    warn_unused_configs: bool,
    #[arg(long, hide = true)]
    warn_unreachable: bool,
    #[arg(long, hide = true)]
    no_implicit_reexport: bool,
    #[arg(long, hide = true)]
    strict_equality: bool,
    #[arg(long, hide = true)]
    extra_checks: bool,
    /// Output formatting flags of mypy (error codes are always shown).
    #[arg(long, hide = true)]
    show_error_codes: bool,
    #[arg(long, hide = true)]
    show_column_numbers: bool,
    #[arg(long, hide = true)]
    pretty: bool,
}

impl MypyArgs {
    /// The flags as configuration settings, in a fixed order.
    fn flags(&self) -> MypyFlags {
        let switches = [
            ("ignore_missing_imports", self.ignore_missing_imports),
            ("strict", self.strict),
            ("disallow_untyped_defs", self.disallow_untyped_defs),
            ("disallow_incomplete_defs", self.disallow_incomplete_defs),
            ("check_untyped_defs", self.check_untyped_defs),
            ("disallow_untyped_calls", self.disallow_untyped_calls),
            (
                "disallow_untyped_decorators",
                self.disallow_untyped_decorators,
            ),
            ("disallow_any_generics", self.disallow_any_generics),
            ("disallow_subclassing_any", self.disallow_subclassing_any),
            ("warn_return_any", self.warn_return_any),
            ("warn_unused_ignores", self.warn_unused_ignores),
            ("warn_redundant_casts", self.warn_redundant_casts),
            ("warn_unused_configs", self.warn_unused_configs),
            ("warn_unreachable", self.warn_unreachable),
            ("no_implicit_reexport", self.no_implicit_reexport),
            ("strict_equality", self.strict_equality),
            ("extra_checks", self.extra_checks),
            ("show_error_codes", self.show_error_codes),
            ("show_column_numbers", self.show_column_numbers),
            ("pretty", self.pretty),
        ];
        let mut settings: Vec<(String, ConfigValue)> = switches
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| (k.to_string(), ConfigValue::Bool(true)))
            .collect();
        if let Some(v) = &self.python_version {
            settings.push(("python_version".into(), ConfigValue::Str(v.clone())));
        }
        if !self.disable_error_code.is_empty() {
            settings.push((
                "disable_error_code".into(),
                ConfigValue::List(self.disable_error_code.clone()),
            ));
        }
        if !self.enable_error_code.is_empty() {
            settings.push((
                "enable_error_code".into(),
                ConfigValue::List(self.enable_error_code.clone()),
            ));
        }
        MypyFlags {
            settings,
            config_file: self.config_file.clone(),
        }
    }
}

fn parse_python_version(text: &str) -> Result<String, String> {
    let ok = text
        .split_once('.')
        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok());
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!("invalid Python version '{text}' (expected X.Y)"))
    }
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
    let cwd = std::env::current_dir().unwrap_or_default();
    let mypy = match MypyOptions::load(&cli.mypy.flags(), &cwd) {
        Ok(mut m) => {
            m.target_version = mypyc::build::python::PythonConfig::query(&cli.python)
                .ok()
                .map(|c| c.version);
            m
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for w in &mypy.warnings {
        eprintln!("{w}");
    }
    if cli.verbose {
        if let Some(f) = &mypy.config_file {
            eprintln!("mypyc: mypy configuration from {}", f.display());
        }
        if !mypy.unchecked.is_empty() {
            eprintln!(
                "mypyc: options accepted whose extra checks are not implemented: {}",
                mypy.unchecked.join(", ")
            );
        }
    }
    if cli.check_only {
        if let Some(n) = cli.jobs {
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(usize::from(n))
                .build_global();
        }
        return report(driver::check_only(&cli.files, &mypy));
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
        cache_dir: cli.cache_dir,
        incremental: !cli.no_incremental,
        mypy,
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
