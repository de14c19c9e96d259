//! A sweep's journal of finished runs, read as `--resume` and `merge` read it: bad input that
//! names the file, or a journal that, written again, reads back the same; never a panic.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use breakersim_fuzz::judge;
use libfuzzer_sys::fuzz_target;
use sim_cli::sweep::journal::{parse, render};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("out/runs.journal");
    let journal = match parse(data, path) {
        Ok(j) => j,
        e => return judge("journal", e, |_| false),
    };
    let rows: BTreeMap<_, _> = journal.rows.iter().cloned().collect();
    let again = parse(&render(&journal.header, &rows), path).expect("a rendered journal reads");
    assert_eq!(again.header, journal.header);
    assert_eq!(again.damaged, 0);
    let bits = |rows: &mut dyn Iterator<Item = (&u64, &sim_core::sweep::RunRow)>| {
        rows.map(|(job, r)| {
            let values: Vec<u64> = r.values.iter().map(|v| v.to_bits()).collect();
            (*job, r.point, r.replication, r.seed, values)
        })
        .collect::<Vec<_>>()
    };
    let again_rows: BTreeMap<_, _> = again.rows.iter().cloned().collect();
    assert_eq!(bits(&mut again_rows.iter()), bits(&mut rows.iter()));
});
