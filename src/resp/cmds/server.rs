//! Server commands: INFO, TIME, COMMAND, CONFIG, SAVE, BGSAVE, LASTSAVE, SHUTDOWN.

use std::collections::BTreeMap;

use crate::resp::command::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];

/// CONFIG's parameters and their values when the server sets nothing: keyp's own, then
/// Redis's that mean nothing here but are accepted and echoed (tools set them).
pub(crate) fn default_config(databases: u32) -> BTreeMap<String, String> {
    let mut config = BTreeMap::new();
    for (name, value) in [
        ("databases", databases.to_string().as_str()),
        ("maxclients", "10000"),
        ("appendfsync", "everysec"),
        ("timeout", "0"),
        ("dir", ""),
        ("port", "6379"),
        ("bind", "127.0.0.1"),
        ("loglevel", "notice"),
    ] {
        config.insert(name.to_owned(), value.to_owned());
    }
    config
}
