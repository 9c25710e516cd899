//! mypy's options, as a mypyc build honours them: the flags of mypy's
//! command line that reach the checker, and mypy's configuration files
//! (`mypy.ini`, `.mypy.ini`, `pyproject.toml [tool.mypy]`,
//! `setup.cfg [mypy]`, found as mypy finds them, or `--config-file`),
//! including per-module sections (`[mypy-pkg.*]`,
//! `[[tool.mypy.overrides]]`).
//!
//! Every option falls in one of four classes, so that none is silently
//! dropped when it would change what is compiled:
//! - *applied*: `ignore_errors`, `disable_error_code`, `enable_error_code`
//!   (re-enabling a disabled code) filter the checker's diagnostics, per
//!   module;
//! - *same behaviour*: options whose effect this compiler already has
//!   (`ignore_missing_imports`: an import the compiler cannot see is always
//!   `Any`; `python_version`: mypyc checks for the running interpreter) or
//!   that only concern mypy's output, cache or file discovery;
//! - *extra checks not implemented*: `strict` and its parts and the other
//!   options that only make mypy report more errors; accepted (a program
//!   that passes them compiles the same), listed under `-v`;
//! - *unsupported*: options that change how programs are typed
//!   (`strict_optional = false`, `allow_redefinition`, `implicit_optional`,
//!   `always_true`, `plugins`, ...): an error naming the option.
//!
//! A key mypy does not know gets mypy's own warning ("Unrecognized option").

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::checker::annotations::AnnotationChecks;
use crate::diagnostics::{Diagnostic, Severity};

/// What the options say about one module's diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleOptions {
    pub ignore_errors: bool,
    pub disabled_codes: BTreeSet<String>,
    /// `disallow_untyped_defs` (and `disallow_incomplete_defs`), checked by
    /// the checker.
    pub annotations: AnnotationChecks,
}

/// One applied setting.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Setting {
    IgnoreErrors(bool),
    DisableCodes(Vec<String>),
    EnableCodes(Vec<String>),
    UntypedDefs(bool),
    IncompleteDefs(bool),
}

impl Setting {
    fn apply(&self, to: &mut ModuleOptions) {
        match self {
            Setting::IgnoreErrors(b) => to.ignore_errors = *b,
            Setting::DisableCodes(codes) => to.disabled_codes.extend(codes.iter().cloned()),
            Setting::EnableCodes(codes) => {
                for c in codes {
                    to.disabled_codes.remove(c);
                }
            }
            Setting::UntypedDefs(b) => to.annotations.untyped_defs = *b,
            Setting::IncompleteDefs(b) => to.annotations.incomplete_defs = *b,
        }
    }
}

/// A per-module section: its module patterns and settings.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Section {
    patterns: Vec<String>,
    settings: Vec<Setting>,
}

/// mypy's options for a build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MypyOptions {
    global: Vec<Setting>,
    sections: Vec<Section>,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// Accepted options whose extra checks the checker does not implement.
    pub unchecked: Vec<String>,
    /// Warnings about the configuration, in mypy's words.
    pub warnings: Vec<String>,
    /// `(major, minor)` of the Python the program is built for, which
    /// decides `sys.version_info` checks as mypy's `python_version` does
    /// (`None`: such checks stay undecided).
    pub target_version: Option<(u32, u32)>,
}

/// The mypy flags of a command line (`mypyc --strict ...`), in the terms
/// of configuration keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MypyFlags {
    /// `(key, value)` pairs, in command-line order, e.g. `("strict", "True")`.
    pub settings: Vec<(String, ConfigValue)>,
    pub config_file: Option<PathBuf>,
}

/// A configuration value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigValue {
    Bool(bool),
    Str(String),
    List(Vec<String>),
}

impl ConfigValue {
    fn as_bool(&self) -> Option<bool> {
        match self {
            ConfigValue::Bool(b) => Some(*b),
            ConfigValue::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Some(true),
                "false" | "no" | "off" | "0" => Some(false),
                _ => None,
            },
            ConfigValue::List(_) => None,
        }
    }

    /// As a list: a TOML array, or an INI string split at commas.
    fn as_list(&self) -> Vec<String> {
        match self {
            ConfigValue::List(items) => items.clone(),
            ConfigValue::Str(s) => s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            ConfigValue::Bool(b) => vec![b.to_string()],
        }
    }

    fn is_empty_list(&self) -> bool {
        self.as_list().is_empty()
    }
}

impl std::fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigValue::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ConfigValue::Str(s) => write!(f, "{s}"),
            ConfigValue::List(items) => write!(f, "{}", items.join(", ")),
        }
    }
}

/// What of `strict` is not implemented, as `-v` lists it.
const STRICT_REST: &str = "strict (beyond disallow_untyped_defs and disallow_incomplete_defs)";

/// Options that only make mypy report more errors.
const EXTRA_CHECKS: &[&str] = &[
    "strict",
    "disallow_untyped_calls",
    "disallow_untyped_decorators",
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_any_unimported",
    "disallow_any_expr",
    "disallow_any_decorated",
    "disallow_any_explicit",
    "warn_return_any",
    "warn_unused_ignores",
    "warn_redundant_casts",
    "warn_unused_configs",
    "warn_unreachable",
    "strict_equality",
    "strict_equality_for_none",
    "strict_concatenate",
    "strict_bytes",
    "extra_checks",
    "local_partial_types",
    "warn_incomplete_stub",
    "no_implicit_reexport",
];

/// Options whose effect this compiler already has, or that concern only
/// mypy's output, cache, or how it finds files.
const SAME_BEHAVIOUR: &[&str] = &[
    "ignore_missing_imports",
    "python_version",
    "files",
    "exclude",
    "exclude_gitignore",
    "modules",
    "packages",
    "mypy_path",
    "namespace_packages",
    "explicit_package_bases",
    "check_untyped_defs",
    "warn_no_return",
    "show_error_codes",
    "hide_error_codes",
    "show_error_code_links",
    "show_column_numbers",
    "show_error_end",
    "show_error_context",
    "show_absolute_path",
    "show_traceback",
    "raise_exceptions",
    "pretty",
    "color_output",
    "error_summary",
    "force_uppercase_builtins",
    "force_union_syntax",
    "cache_dir",
    "incremental",
    "sqlite_cache",
    "cache_fine_grained",
    "skip_version_check",
    "skip_cache_mtime_checks",
    "follow_imports_for_stubs",
    "follow_untyped_imports",
    "install_types",
    "non_interactive",
    "scripts_are_modules",
    "verbosity",
    "no_site_packages",
    "no_silence_site_packages",
    "python_executable",
    "junit_xml",
    "enable_incomplete_feature",
    "fast_module_lookup",
    "allow_untyped_globals",
    "untyped_calls_exclude",
];

/// The effect of one option.
enum Effect {
    Apply(Setting),
    Same,
    Unchecked,
    /// `strict`: its annotation checks, and the rest unchecked.
    Strict,
}

/// What the option `key = value` means for this compiler; an error names
/// an option that would change how programs are typed. `None` for a key
/// mypy does not know.
fn classify(key: &str, value: &ConfigValue) -> Option<Result<Effect, String>> {
    let unsupported = |why: &str| Some(Err(format!("{key} = {value}: {why}")));
    let truth = value.as_bool();
    match key {
        "ignore_errors" => match truth {
            Some(b) => Some(Ok(Effect::Apply(Setting::IgnoreErrors(b)))),
            None => unsupported("not a boolean"),
        },
        "disable_error_code" => Some(Ok(Effect::Apply(Setting::DisableCodes(value.as_list())))),
        "disallow_untyped_defs"
        | "disallow_incomplete_defs"
        | "allow_untyped_defs"
        | "allow_incomplete_defs" => match truth {
            Some(b) => {
                let on = if key.starts_with("allow_") { !b } else { b };
                Some(Ok(Effect::Apply(if key.ends_with("untyped_defs") {
                    Setting::UntypedDefs(on)
                } else {
                    Setting::IncompleteDefs(on)
                })))
            }
            None => unsupported("not a boolean"),
        },
        "strict" if truth != Some(false) => Some(Ok(Effect::Strict)),
        "enable_error_code" => Some(Ok(Effect::Apply(Setting::EnableCodes(value.as_list())))),
        "strict_optional" if truth == Some(false) => {
            unsupported("disabling strict optional checking is not supported (as in mypyc)")
        }
        "strict_optional" => Some(Ok(Effect::Same)),
        "implicit_optional"
        | "allow_redefinition"
        | "allow_redefinition_new"
        | "disable_bytearray_promotion"
        | "disable_memoryview_promotion"
            if truth != Some(false) =>
        {
            unsupported("changes how programs are typed; not supported by this checker")
        }
        "implicit_optional"
        | "allow_redefinition"
        | "allow_redefinition_new"
        | "disable_bytearray_promotion"
        | "disable_memoryview_promotion" => Some(Ok(Effect::Same)),
        "always_true" | "always_false" | "plugins" if !value.is_empty_list() => {
            unsupported("changes how programs are typed; not supported by this checker")
        }
        "always_true" | "always_false" | "plugins" => Some(Ok(Effect::Same)),
        "follow_imports" => match value.to_string().trim() {
            "normal" | "silent" => Some(Ok(Effect::Same)),
            _ => unsupported("only follow_imports = normal or silent is supported"),
        },
        "platform" => {
            if value.to_string().trim() == crate::checker::reachability::host_platform() {
                Some(Ok(Effect::Same))
            } else {
                unsupported("only the platform being built for is supported")
            }
        }
        "allow_untyped_calls"
        | "allow_subclassing_any"
        | "allow_untyped_decorators"
        | "allow_any_generics"
        | "allow_redundant_casts"
        | "allow_any_expr" => Some(Ok(Effect::Same)),
        "implicit_reexport" => Some(Ok(if truth == Some(false) {
            Effect::Unchecked
        } else {
            Effect::Same
        })),
        _ if key.ends_with("_report") => Some(Ok(Effect::Same)),
        _ if EXTRA_CHECKS.contains(&key) => Some(Ok(if truth == Some(false) {
            Effect::Same
        } else {
            Effect::Unchecked
        })),
        _ if SAME_BEHAVIOUR.contains(&key) => Some(Ok(Effect::Same)),
        _ => None,
    }
}

impl MypyOptions {
    /// The options of a build: the configuration file (`flags.config_file`,
    /// else the one mypy would find from `cwd`), then the command-line flags
    /// (which win).
    pub fn load(flags: &MypyFlags, cwd: &Path) -> Result<MypyOptions, String> {
        let mut opts = MypyOptions::default();
        let file = match &flags.config_file {
            Some(f) => {
                if !f.is_file() {
                    return Err(format!("cannot find config file '{}'", f.display()));
                }
                Some(f.clone())
            }
            None => find_config_file(cwd),
        };
        if let Some(file) = file {
            opts.read_file(&file)?;
            opts.config_file = Some(file);
        }
        for (key, value) in &flags.settings {
            let prefix = format!("--{}", key.replace('_', "-"));
            match opts.absorb(key, value) {
                Ok(s) => opts.global.extend(s),
                Err(e) => return Err(format!("{prefix}: {e}")),
            }
        }
        Ok(opts)
    }

    /// Records one option; the setting it applies, if any.
    fn absorb(&mut self, key: &str, value: &ConfigValue) -> Result<Vec<Setting>, String> {
        match classify(key, value) {
            Some(Ok(Effect::Apply(s))) => Ok(vec![s]),
            Some(Ok(Effect::Strict)) => {
                if !self.unchecked.iter().any(|k| k == STRICT_REST) {
                    self.unchecked.push(STRICT_REST.into());
                }
                Ok(vec![
                    Setting::UntypedDefs(true),
                    Setting::IncompleteDefs(true),
                ])
            }
            Some(Ok(Effect::Same)) => Ok(vec![]),
            Some(Ok(Effect::Unchecked)) => {
                if !self.unchecked.iter().any(|k| k == key) {
                    self.unchecked.push(key.to_string());
                }
                Ok(vec![])
            }
            Some(Err(e)) => Err(e),
            None => Err(format!("Unrecognized option: {key} = {value}")),
        }
    }

    fn read_file(&mut self, file: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read config file {}: {e}", file.display()))?;
        let display = file.display().to_string();
        let sections = if is_toml(file) {
            toml_sections(&text).map_err(|e| format!("{display}: {e}"))?
        } else {
            ini_sections(&text).map_err(|e| format!("{display}: {e}"))?
        };
        for (name, items) in sections {
            let patterns = if name == "mypy" {
                None
            } else if let Some(globs) = name.strip_prefix("mypy-") {
                Some(
                    globs
                        .split(',')
                        .map(|g| g.trim().replace(['/', '\\'], "."))
                        .filter(|g| !g.is_empty())
                        .collect::<Vec<_>>(),
                )
            } else {
                continue;
            };
            let prefix = format!("{display}: [{name}]: ");
            let mut settings = vec![];
            for (key, value) in items {
                let key = key.trim().replace('-', "_");
                match self.absorb(&key, &value) {
                    Ok(s) => settings.extend(s),
                    Err(e) if e.starts_with("Unrecognized option") => {
                        self.warnings.push(format!("{prefix}{e}"))
                    }
                    Err(e) => return Err(format!("{prefix}{e}")),
                }
            }
            match patterns {
                None => self.global.extend(settings),
                Some(patterns) => self.sections.push(Section { patterns, settings }),
            }
        }
        Ok(())
    }

    /// The options in force for `module`: the global ones, then the
    /// matching per-module sections from the least to the most specific.
    pub fn for_module(&self, module: &str) -> ModuleOptions {
        let mut out = ModuleOptions::default();
        for s in &self.global {
            s.apply(&mut out);
        }
        let mut matching: Vec<(u8, usize, usize, &Section)> = vec![];
        for (i, section) in self.sections.iter().enumerate() {
            for p in &section.patterns {
                if let Some(rank) = pattern_rank(p, module) {
                    matching.push((rank.0, rank.1, i, section));
                }
            }
        }
        matching.sort_by_key(|(a, b, i, _)| (*a, *b, *i));
        for (_, _, _, section) in matching {
            for s in &section.settings {
                s.apply(&mut out);
            }
        }
        out
    }

    /// Drops the diagnostics the options silence; `module_of` names the
    /// module of a diagnostic's path.
    pub fn filter(
        &self,
        diags: Vec<Diagnostic>,
        module_of: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Diagnostic> {
        let no_config = self.global.is_empty() && self.sections.is_empty();
        if no_config {
            return diags;
        }
        diags
            .into_iter()
            .filter(|d| {
                let Some(module) = module_of(&d.path) else {
                    return true;
                };
                let o = self.for_module(&module);
                if o.ignore_errors {
                    return false;
                }
                match (&d.code, d.severity) {
                    (Some(code), Severity::Error) => !o.disabled_codes.contains(code),
                    _ => true,
                }
            })
            .collect()
    }
}

/// Checks a module's inline configuration comments: an option this
/// compiler cannot honour is an error at its line. The checker applies
/// `ignore-errors` and `disable-error-code` itself; the build applies the
/// annotation checks (`InlineSettings`).
pub fn check_inline(path: &str, text: &str) -> Vec<Diagnostic> {
    inline_entries(text)
        .into_iter()
        .filter_map(|(lineno, effect)| {
            effect
                .err()
                .map(|message| Diagnostic::error(path, lineno, 0, message))
        })
        .collect()
}

/// The settings of a module's inline configuration comments, which apply
/// on top of the configuration files' for that module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InlineSettings(Vec<Setting>);

impl InlineSettings {
    /// The settings of the comments of module source `text` (those this
    /// compiler cannot honour are `check_inline`'s errors).
    pub fn of(text: &str) -> InlineSettings {
        let settings = inline_entries(text)
            .into_iter()
            .filter_map(|(_, effect)| match effect {
                Ok(Effect::Apply(s)) => Some(s),
                _ => None,
            })
            .collect();
        InlineSettings(settings)
    }

    pub fn apply(&self, to: &mut ModuleOptions) {
        for s in &self.0 {
            s.apply(to);
        }
    }
}

/// Each entry of the inline configuration comments (`# mypy: ...` at the
/// start of a line, mypy's syntax: `flag, no-flag, key="a,b"`) with its
/// line: what it means, or why it cannot be honoured.
fn inline_entries(text: &str) -> Vec<(u32, Result<Effect, String>)> {
    const PREFIX: &str = "# mypy: ";
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix(PREFIX) else {
            continue;
        };
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for entry in split_directive(rest) {
            out.push((lineno, inline_entry(&entry)));
        }
    }
    out
}

fn inline_entry(entry: &str) -> Result<Effect, String> {
    let (name, value) = match entry.split_once('=') {
        Some((n, v)) => (n.trim(), ConfigValue::Str(v.trim().to_string())),
        None => (entry, ConfigValue::Bool(true)),
    };
    let mut key = name.replace('-', "_");
    let mut value = value;
    if key == "strict" {
        return Err("Setting \"strict\" not supported in inline configuration: specify it in a configuration file instead, or set individual inline flags (see \"mypy -h\" for the list of flags enabled in strict mode)".into());
    }
    if key == "python_version" {
        return Err("python_version not supported in inline configuration".into());
    }
    if classify(&key, &value).is_none() {
        if let Some(base) = key.strip_prefix("no_").map(str::to_string) {
            if classify(&base, &ConfigValue::Bool(false)).is_some() {
                key = base;
                value = ConfigValue::Bool(false);
            }
        }
    }
    match classify(&key, &value) {
        Some(effect) => effect,
        None => Err(format!("Unrecognized option: {key} = {value}")),
    }
}

/// Splits an inline configuration at commas outside double quotes.
fn split_directive(s: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    for ch in s.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(ch),
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur.trim().to_string());
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// How specifically `pattern` matches `module`: (kind, components), or
/// `None`. Patterns with `*` inside are least specific, then `pkg.*`
/// patterns (shorter first), then exact names.
fn pattern_rank(pattern: &str, module: &str) -> Option<(u8, usize)> {
    let parts: Vec<&str> = pattern.split('.').collect();
    if pattern == module {
        return Some((2, parts.len()));
    }
    if let Some(prefix) = pattern.strip_suffix(".*") {
        if !prefix.contains('*') && (module == prefix || module.starts_with(&format!("{prefix}.")))
        {
            return Some((1, parts.len()));
        }
    }
    if pattern.contains('*') && glob_match(&parts, &module.split('.').collect::<Vec<_>>()) {
        return Some((0, parts.len()));
    }
    None
}

/// `a.*.c` against `a.b.c`: `*` is one component, a trailing `*` any rest.
fn glob_match(pattern: &[&str], module: &[&str]) -> bool {
    match (pattern.split_first(), module.split_first()) {
        (None, None) => true,
        (Some((&"*", [])), _) => true,
        (Some((p, prest)), Some((m, mrest))) => (*p == "*" || p == m) && glob_match(prest, mrest),
        _ => false,
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

type Sections = Vec<(String, Vec<(String, ConfigValue)>)>;

/// The sections of an INI file (`[name]`, `key = value` or `key: value`,
/// indented continuation lines, `#`/`;` comments).
fn ini_sections(text: &str) -> Result<Sections, String> {
    let mut out: Sections = vec![];
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[') {
            let name = name
                .strip_suffix(']')
                .ok_or_else(|| format!("line {}: bad section header", n + 1))?;
            out.push((name.trim().to_string(), vec![]));
            continue;
        }
        let Some((_, items)) = out.last_mut() else {
            return Err(format!("line {}: option outside a section", n + 1));
        };
        if line.starts_with([' ', '\t']) {
            // A continuation of the previous value.
            if let Some((_, ConfigValue::Str(v))) = items.last_mut() {
                v.push('\n');
                v.push_str(trimmed);
                continue;
            }
        }
        let split = trimmed
            .find(['=', ':'])
            .ok_or_else(|| format!("line {}: expected key = value", n + 1))?;
        let key = trimmed[..split].trim().to_string();
        let value = trimmed[split + 1..].trim().to_string();
        items.push((key, ConfigValue::Str(value)));
    }
    // Multi-line values are comma- or newline-separated lists.
    for (_, items) in &mut out {
        for (_, v) in items.iter_mut() {
            if let ConfigValue::Str(s) = v {
                if s.contains('\n') {
                    *s = s.replace('\n', ",");
                }
            }
        }
    }
    Ok(out)
}

/// `[tool.mypy]` of a pyproject.toml as sections: `mypy`, and one
/// `mypy-PATTERNS` per `[[tool.mypy.overrides]]`.
fn toml_sections(text: &str) -> Result<Sections, String> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let Some(mypy) = doc
        .get("tool")
        .and_then(|t| t.get("mypy"))
        .and_then(|m| m.as_table())
    else {
        return Ok(vec![]);
    };
    let mut global = vec![];
    let mut out: Sections = vec![];
    for (key, value) in mypy {
        if key == "overrides" {
            let Some(overrides) = value.as_array() else {
                return Err("tool.mypy.overrides must be an array of tables".into());
            };
            for o in overrides {
                let Some(table) = o.as_table() else {
                    return Err("tool.mypy.overrides must be an array of tables".into());
                };
                let modules = match table.get("module") {
                    Some(toml::Value::String(s)) => vec![s.clone()],
                    Some(toml::Value::Array(a)) => {
                        a.iter().filter_map(|v| v.as_str().map(String::from)).collect()
                    }
                    _ => return Err("toml config file contains a [[tool.mypy.overrides]] section, but no module to override was specified".into()),
                };
                let items = table
                    .iter()
                    .filter(|(k, _)| *k != "module")
                    .map(|(k, v)| Ok((k.clone(), toml_value(k, v)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                out.push((format!("mypy-{}", modules.join(",")), items));
            }
        } else {
            global.push((key.clone(), toml_value(key, value)?));
        }
    }
    out.insert(0, ("mypy".to_string(), global));
    Ok(out)
}

fn toml_value(key: &str, v: &toml::Value) -> Result<ConfigValue, String> {
    Ok(match v {
        toml::Value::Boolean(b) => ConfigValue::Bool(*b),
        toml::Value::String(s) => ConfigValue::Str(s.clone()),
        toml::Value::Integer(i) => ConfigValue::Str(i.to_string()),
        toml::Value::Float(f) => ConfigValue::Str(f.to_string()),
        toml::Value::Array(items) => ConfigValue::List(
            items
                .iter()
                .map(|i| match i {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        ),
        _ => return Err(format!("{key}: unsupported value {v}")),
    })
}

/// The configuration file mypy would read when run in `cwd`: `mypy.ini`,
/// `.mypy.ini`, `pyproject.toml` (with `[tool.mypy]`) or `setup.cfg` (with
/// `[mypy]`), in `cwd` or a parent directory up to a repository root, else
/// the user's configuration.
pub fn find_config_file(cwd: &Path) -> Option<PathBuf> {
    let mut dir = Some(cwd);
    while let Some(d) = dir {
        for name in ["mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg"] {
            let path = d.join(name);
            if has_mypy_section(&path, name) {
                return Some(path);
            }
        }
        if d.join(".git").exists() || d.join(".hg").exists() {
            break;
        }
        dir = d.parent();
    }
    let mut user = vec![];
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        user.push(PathBuf::from(x).join("mypy/config"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        let home = PathBuf::from(home);
        user.push(home.join(".config/mypy/config"));
        user.push(home.join(".mypy.ini"));
    }
    user.into_iter().find(|p| p.is_file())
}

/// Does the file exist and (for the shared files) hold a mypy section?
fn has_mypy_section(path: &Path, name: &str) -> bool {
    if !path.is_file() {
        return false;
    }
    if name != "pyproject.toml" && name != "setup.cfg" {
        return true;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    if name == "pyproject.toml" {
        text.parse::<toml::Table>().is_ok_and(|doc| {
            doc.get("tool")
                .and_then(|t| t.get("mypy"))
                .is_some_and(|m| m.is_table())
        })
    } else {
        ini_sections(&text).is_ok_and(|s| s.iter().any(|(n, _)| n == "mypy"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(path: &str, code: &str) -> Diagnostic {
        Diagnostic::error(path, 1, 1, "m").with_code(code)
    }

    fn module_of(path: &str) -> Option<String> {
        Some(path.trim_end_matches(".py").replace('/', "."))
    }

    #[test]
    fn ini_sections_and_per_module_options() {
        let dir = tempfile::tempdir().unwrap();
        let ini = dir.path().join("mypy.ini");
        std::fs::write(
            &ini,
            "[mypy]\nstrict = True\ndisable_error_code = arg-type,\n    name-defined\n\
             ignore_missing_imports = True\n\n[mypy-pkg.*]\nignore_errors = True\n\n\
             [mypy-pkg.keep]\nignore_errors = False\nenable_error_code = arg-type\n",
        )
        .unwrap();
        let opts = MypyOptions::load(&MypyFlags::default(), dir.path()).unwrap();
        assert_eq!(opts.config_file.as_deref(), Some(ini.as_path()));
        assert_eq!(opts.unchecked, [STRICT_REST]);
        assert!(opts.for_module("top").annotations.untyped_defs);
        let top = opts.for_module("top");
        assert!(!top.ignore_errors);
        assert!(top.disabled_codes.contains("name-defined"));
        assert!(opts.for_module("pkg.sub").ignore_errors);
        assert!(opts.for_module("pkg").ignore_errors);
        let keep = opts.for_module("pkg.keep");
        assert!(!keep.ignore_errors && !keep.disabled_codes.contains("arg-type"));
        let kept = opts.filter(
            vec![
                diag("top.py", "arg-type"),
                diag("top.py", "return-value"),
                diag("pkg/sub.py", "return-value"),
                diag("pkg/keep.py", "arg-type"),
            ],
            &module_of,
        );
        let kept: Vec<(&str, Option<&str>)> = kept
            .iter()
            .map(|d| (d.path.as_str(), d.code.as_deref()))
            .collect();
        assert_eq!(
            kept,
            [
                ("top.py", Some("return-value")),
                ("pkg/keep.py", Some("arg-type"))
            ]
        );
    }

    #[test]
    fn pyproject_overrides_and_unsupported_options() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".git"), "").unwrap();
        let py = dir.path().join("pyproject.toml");
        std::fs::write(
            &py,
            "[project]\nname = 'x'\n[tool.mypy]\ndisallow_untyped_defs = true\n\
             no_such_option = 1\n[[tool.mypy.overrides]]\nmodule = ['a', 'b.*']\n\
             disable_error_code = ['misc']\n",
        )
        .unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        // Found from a subdirectory, up to the repository root.
        let opts = MypyOptions::load(&MypyFlags::default(), &sub).unwrap();
        assert_eq!(opts.config_file.as_deref(), Some(py.as_path()));
        assert!(opts.for_module("b.c").disabled_codes.contains("misc"));
        assert!(opts.for_module("c").disabled_codes.is_empty());
        assert_eq!(opts.warnings.len(), 1);
        assert!(opts.warnings[0].contains("Unrecognized option: no_such_option = 1"));
        std::fs::write(&py, "[tool.mypy]\nstrict_optional = false\n").unwrap();
        let err = MypyOptions::load(&MypyFlags::default(), &sub).unwrap_err();
        assert!(err.contains("strict_optional"), "{err}");
        // Command-line flags.
        let flags = MypyFlags {
            settings: vec![("allow_redefinition".into(), ConfigValue::Bool(true))],
            config_file: Some(dir.path().join("none.ini")),
        };
        assert!(MypyOptions::load(&flags, &sub)
            .unwrap_err()
            .contains("none.ini"));
        let flags = MypyFlags {
            settings: vec![("allow_redefinition".into(), ConfigValue::Bool(true))],
            config_file: None,
        };
        std::fs::remove_file(&py).unwrap();
        let err = MypyOptions::load(&flags, &sub).unwrap_err();
        assert!(err.starts_with("--allow-redefinition"), "{err}");
    }

    #[test]
    fn inline_annotation_settings_apply_over_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let flags = MypyFlags {
            settings: vec![("strict".into(), ConfigValue::Bool(true))],
            config_file: None,
        };
        let opts = MypyOptions::load(&flags, dir.path()).unwrap();
        let mut o = opts.for_module("m");
        assert!(o.annotations.untyped_defs && o.annotations.incomplete_defs);
        let inline = InlineSettings::of(
            "# mypy: allow-untyped-defs, allow-incomplete-defs\n# mypy: frobnicate\n",
        );
        inline.apply(&mut o);
        assert!(!o.annotations.untyped_defs && !o.annotations.incomplete_defs);
        let mut o = opts.for_module("m");
        InlineSettings::of("# mypy: no-disallow-untyped-defs\n").apply(&mut o);
        assert!(!o.annotations.untyped_defs && o.annotations.incomplete_defs);
    }

    #[test]
    fn inline_comments_refuse_what_cannot_be_honoured() {
        let text = "# mypy: ignore-errors, disable-error-code=\"a,b\"\n# mypy: no-warn-no-return\n\
                    x = 1  # mypy: allow-redefinition\n# mypy: allow-redefinition\n# mypy: strict\n\
                    # mypy: frobnicate\n";
        let diags = check_inline("m.py", text);
        let lines: Vec<u32> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [4, 5, 6], "{diags:?}");
        assert!(diags[0].message.contains("allow_redefinition"));
        assert!(diags[2].message.contains("Unrecognized option: frobnicate"));
        assert_eq!(split_directive("a, b=\"x,y\" ,c"), ["a", "b=x,y", "c"]);
    }

    #[test]
    fn patterns_rank_by_specificity() {
        assert_eq!(pattern_rank("a.b", "a.b"), Some((2, 2)));
        assert_eq!(pattern_rank("a.*", "a.b.c"), Some((1, 2)));
        assert_eq!(pattern_rank("a.*", "a"), Some((1, 2)));
        assert_eq!(pattern_rank("a.*.c", "a.b.c"), Some((0, 3)));
        assert_eq!(pattern_rank("a.*", "ab"), None);
        assert_eq!(pattern_rank("a.*.c", "a.b.d"), None);
    }
}
