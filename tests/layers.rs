//! The library's modules import downwards only: each layer may use the layers below it and
//! never one above. The layers, bottom up (the README's Layout section reads the same way):
//!
//! 1. `span`, `error`, `limits` — positions, errors, bounds;
//! 2. `ast`, `parser`, `profile` — the tree and how text becomes one (pest stays in `parser`);
//! 3. `value`, `java`, `runtime` — Java-semantics values and the per-render services;
//! 4. `util` — `$util`, handed the runtime of layer 3;
//! 5. `eval` — walks the tree;
//! 6. `template`, `engine`, `context`, `context_builder`, `appsync_ctx`, `rendered`, `output` —
//!    the API;
//! 7. `resolver` — unit and pipeline resolvers over data sources;
//! 8. `testing` — golden-file tests; `lib.rs` sits on top.
//!
//! A module's own tests may use anything.

use std::collections::HashMap;
use std::path::Path;

const LAYERS: &[(&str, u8)] = &[
    ("span", 1),
    ("error", 1),
    ("limits", 1),
    ("ast", 2),
    ("parser", 2),
    ("profile", 2),
    ("value", 3),
    ("java", 3),
    ("runtime", 3),
    ("util", 4),
    ("eval", 5),
    ("template", 6),
    ("engine", 6),
    ("context", 6),
    ("context_builder", 6),
    ("appsync_ctx", 6),
    ("rendered", 6),
    ("output", 6),
    ("resolver", 7),
    ("testing", 8),
    ("test_support", 8),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The code of a file without comments and without its `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod ") && next.ends_with('{'))
        {
            // Test modules close at the end of their file in this crate.
            skipping = true;
        }
        if skipping || trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Names `lib.rs` re-exports at the crate root, and the module each comes from.
fn root_names(lib: &str) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let code = code(lib);
    for statement in code.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items.split([',', '{', '}']) {
            let item = item.trim();
            if !item.is_empty() {
                names.insert(item.to_string(), module.trim().to_string());
            }
        }
    }
    names
}

/// Every module a file's code names through `crate::`.
fn imports(code: &str, roots: &HashMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|n| n.trim().split("::").next().unwrap_or("").trim())
                .collect()
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            vec![&rest[..end]]
        };
        for name in names {
            if layer(name).is_some() {
                out.push(name.to_string());
            } else if let Some(module) = roots.get(name) {
                out.push(module.clone());
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn library_modules_import_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let roots = root_names(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uphill = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue;
        }
        let own = layer(&top).unwrap_or_else(|| {
            panic!("src/{top} has no layer: add it to LAYERS in tests/layers.rs")
        });
        let text = std::fs::read_to_string(&file).unwrap();
        for module in imports(&code(&text), &roots) {
            let theirs = layer(&module).unwrap();
            if module != top && theirs > own {
                uphill.push(format!(
                    "src/{} (layer {own}) uses `{module}` (layer {theirs})",
                    relative.display()
                ));
            }
        }
    }
    uphill.sort();
    uphill.dedup();
    assert!(uphill.is_empty(), "imports uphill:\n{}", uphill.join("\n"));
}
