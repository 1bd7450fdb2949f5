//! The committed C header must be exactly what cbindgen generates from the code: a drifted header means C and
//! C# callers would be built against an ABI the library does not have.
//! `HMF_BLESS=1 cargo test --test header` (or `pwsh ./build.ps1 Header`) rewrites it.

use std::path::Path;

#[test]
fn committed_header_matches_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the header")
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = root.join("include/hybridmailflow.h");
    if std::env::var_os("HMF_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    assert!(
        committed == generated,
        "include/hybridmailflow.h is out of date: run `pwsh ./build.ps1 Header` (or HMF_BLESS=1 cargo test --test header) and commit it"
    );
}

/// The header is the ABI and nothing else: every name it defines is the engine's (`hmf_`, `HMF_`), so that no
/// constant or type of the core leaks into what C and C# callers build against (cbindgen exports every public
/// constant of the crate unless `cbindgen.toml` excludes it).
#[test]
fn header_names_only_the_abi() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/hybridmailflow.h")).unwrap();
    let mut foreign = Vec::new();
    for line in header.lines() {
        let mut words = line.split_whitespace();
        // `#define NAME`, `typedef struct NAME NAME;` and the `} NAME;` that ends a typedef'd struct or enum.
        let name = match (words.next(), words.next(), words.next()) {
            (Some("#define"), Some(name), _) => name,
            (Some("typedef"), Some("struct" | "enum"), Some(name)) if name != "{" => name,
            (Some("}"), Some(name), None) => name,
            _ => continue,
        };
        let name = name.trim_end_matches(';');
        if !(name.starts_with("HMF_") || name.starts_with("hmf_") || name == "HYBRIDMAILFLOW_H") {
            foreign.push(name.to_owned());
        }
    }
    assert!(foreign.is_empty(), "names of the core in the header: {foreign:?}");
}
