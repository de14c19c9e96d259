//! docs/cluster-sweeps.md shows the files of docs/cluster/ as they are, and those files agree on
//! the number of shards: Kubernetes `completions` and `--shard I/N`, Slurm `--array` and
//! `SHARDS`, and the shards the merges read.

use crate::common::root;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const FILES: [&str; 7] = [
    "Dockerfile",
    "k8s/pvc.yaml",
    "k8s/sweep-job.yaml",
    "k8s/merge-job.yaml",
    "slurm/sweep-array.sbatch",
    "slurm/merge.sbatch",
    "slurm/submit.sh",
];

#[test]
fn the_doc_shows_every_cluster_file_verbatim() {
    let doc = read("docs/cluster-sweeps.md");
    let mut listed = Vec::new();
    let mut stack = vec![root().join("docs/cluster")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root().join("docs/cluster")).unwrap();
                listed.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    listed.sort();
    let mut expected: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected);
    for file in FILES {
        let text = read(&format!("docs/cluster/{file}"));
        assert!(
            doc.contains(text.trim_end()),
            "docs/cluster-sweeps.md does not show docs/cluster/{file} as it is"
        );
    }
}

/// The number after `key` on the line that has it.
fn number_after(text: &str, key: &str) -> u64 {
    let at = text.find(key).unwrap_or_else(|| panic!("{key:?} missing")) + key.len();
    let digits: String = text[at..]
        .chars()
        .skip_while(|c| *c == ' ')
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {key:?}"))
}

#[test]
fn cluster_files_agree_on_the_shards() {
    let job = read("docs/cluster/k8s/sweep-job.yaml");
    let n = number_after(&job, "completions:");
    assert_eq!(number_after(&job, "$(JOB_COMPLETION_INDEX)/"), n);
    let merge = read("docs/cluster/k8s/merge-job.yaml");
    for i in 0..n {
        assert!(merge.contains(&format!("/results/sweep-10k/shard-{i}\n")));
    }
    assert!(!merge.contains(&format!("shard-{n}\n")));

    let array = read("docs/cluster/slurm/sweep-array.sbatch");
    let shards = number_after(&array, "SHARDS=");
    assert_eq!(number_after(&array, "--array=0-") + 1, shards);
    assert_eq!(
        number_after(&read("docs/cluster/slurm/merge.sbatch"), "SHARDS="),
        shards
    );
    for text in [&job, &array] {
        assert!(text.contains("--resume"), "retried shards must resume");
    }
}
