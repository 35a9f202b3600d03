pub mod geohash;
pub mod glob;
pub mod qsort;
pub mod sha1;
#[cfg(test)]
pub mod test_rng;

/// Formats a CPU list compactly in Redis's cpulist syntax ("0-3,6").
pub fn cpulist_string(cpus: &[usize]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < cpus.len() {
        let start = cpus[i];
        let mut end = start;
        while i + 1 < cpus.len() && cpus[i + 1] == end + 1 {
            i += 1;
            end = cpus[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpulist_formatting() {
        assert_eq!(super::cpulist_string(&[0, 1, 2, 3, 6]), "0-3,6");
    }
}
