//! An Istio minor version (`1.24`): what `route.istio_default_retry_policy`, `import
//! --istio-version` and `[cluster] istio_version` name, parsed in one place.

/// An Istio minor version, e.g. `IstioVersion(1, 24)`; ordered as versions are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IstioVersion(pub u32, pub u32);

/// The newest Istio version whose behaviour breakersim follows; a newer 1.x gets its rules.
pub const NEWEST_ISTIO: IstioVersion = IstioVersion(1, 30);

impl IstioVersion {
    /// `1.24`, `v1.24` or `1.24.3` (the patch is ignored); only 1.x.
    pub fn parse(s: &str) -> Result<IstioVersion, String> {
        let bad = || format!("`{s}` is not an Istio version like 1.24");
        let mut parts = s.strip_prefix('v').unwrap_or(s).split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if major != 1 {
            let newest = NEWEST_ISTIO.show();
            return Err(format!(
                "`{s}` is not an Istio 1.x version: breakersim follows istiod 1.0 to {newest} (a \
                 newer 1.x gets {newest}'s rules)"
            ));
        }
        Ok(IstioVersion(major, minor))
    }

    /// As written in a scenario or by istiod, e.g. `1.22`.
    pub fn show(self) -> String {
        format!("{}.{}", self.0, self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minor_versions_with_or_without_v_and_patch() {
        assert_eq!(IstioVersion::parse("1.24"), Ok(IstioVersion(1, 24)));
        assert_eq!(IstioVersion::parse("v1.9"), Ok(IstioVersion(1, 9)));
        assert_eq!(IstioVersion::parse("1.30.2"), Ok(IstioVersion(1, 30)));
        assert!(
            IstioVersion(1, 9) < IstioVersion(1, 10),
            "ordered as versions"
        );
    }

    #[test]
    fn refuses_what_is_not_a_1x_version() {
        for bad in ["latest", "1", "1.x", "", "1.-3"] {
            let e = IstioVersion::parse(bad).unwrap_err();
            assert_eq!(e, format!("`{bad}` is not an Istio version like 1.24"));
        }
        assert!(
            IstioVersion::parse("2.5")
                .unwrap_err()
                .contains("not an Istio 1.x version")
        );
        assert!(
            IstioVersion::parse("0.9")
                .unwrap_err()
                .contains("not an Istio 1.x version")
        );
    }
}
