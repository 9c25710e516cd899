//! A module's interface, whole: the checked half (`checker::interface`)
//! and the compiled half (`irbuild::interface`), with a content hash.
//! This is what the incremental build stores per module and compares:
//! a module whose dependencies' interface hashes did not change need not
//! be checked or lowered again.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checker::interface::CheckedInterface;
use crate::irbuild::interface::CompiledInterface;

/// Bump when the interface's shape changes: old cache entries then no
/// longer read back.
pub const INTERFACE_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ModuleInterface {
    pub format: u32,
    pub name: String,
    pub checked: CheckedInterface,
    pub compiled: CompiledInterface,
}

impl ModuleInterface {
    pub fn new(name: &str, checked: CheckedInterface, compiled: CompiledInterface) -> Self {
        ModuleInterface {
            format: INTERFACE_FORMAT,
            name: name.to_string(),
            checked,
            compiled,
        }
    }

    /// The serialized form (deterministic: the same interface gives the
    /// same bytes).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("interfaces are plain data")
    }

    /// An interface read back; an error for anything that is not one of
    /// this format (the caller rebuilds the module).
    pub fn from_json(text: &str) -> Result<ModuleInterface, String> {
        let i: ModuleInterface = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if i.format != INTERFACE_FORMAT {
            return Err(format!(
                "interface format {} (want {INTERFACE_FORMAT})",
                i.format
            ));
        }
        Ok(i)
    }

    /// SHA-256 of the serialized form, in hex.
    pub fn hash(&self) -> String {
        Sha256::digest(self.to_json().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}
