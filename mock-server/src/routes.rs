//! The mock's route table: every path a service answers, built once per service (with its
//! root and its vendors) and looked up once per request, by `matchit` (axum's router).
//!
//! A route says *who* answers, and for the admin API which operation; the answerer reads the
//! rest of the path itself (a vendor its connect path and path parameters, the tenants layer
//! the tenant's id).

use crate::admin::Op;
use crate::core::MockVendor;

/// Who answers a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/t`, `/t/{tenant}/…`: a tenant of the standalone server (its default service only).
    Tenant,
    /// `/__admin/tenants`: the standalone server's list of tenants (its default service only).
    TenantList,
    /// `{root}/__admin/…`: an operation of the admin API.
    Admin(Op),
    /// `{root}/__provider/authorize`: the fake provider's consent page and its form.
    Authorize,
    /// `{root}/__provider/token`: the fake provider's token endpoint.
    Token,
    /// `{root}/__vendor/{vendor}/{tail}`: a vendor's callback and screens.
    VendorControl,
    /// A path a vendor serves outside its API (Ocoya's start URL).
    VendorPublic(MockVendor),
    /// `{prefix}/…`: the vendor's API.
    Api(MockVendor),
    /// `{root}/`: the index of the service.
    Index,
}

/// The table.
#[derive(Debug)]
pub(crate) struct Routes(matchit::Router<Route>);

impl Routes {
    /// The routes of a service with its control routes under `root` (`""` or `/{vendor}`),
    /// serving `vendors` (each with the paths its module serves outside its API, `public`), and
    /// with the tenants' routes when `tenants` is set.
    pub(crate) fn new(
        root: &str,
        vendors: &[MockVendor],
        public: impl Fn(MockVendor) -> &'static [&'static str],
        tenants: bool,
    ) -> Routes {
        let mut table = Vec::new();
        let mut add = |path: String, route: Route| table.push((path, route));
        if tenants {
            for path in ["/t", "/t/", "/t/{id}", "/t/{id}/", "/t/{id}/{*tail}"] {
                add(path.to_owned(), Route::Tenant);
            }
            add("/__admin/tenants".to_owned(), Route::TenantList);
            add("/__admin/tenants/".to_owned(), Route::TenantList);
        }
        for (path, op) in Op::paths() {
            let path = format!("{root}/__admin{path}");
            if !path.contains('*') {
                add(format!("{path}/"), Route::Admin(op));
            }
            add(path, Route::Admin(op));
        }
        add(format!("{root}/__provider/authorize"), Route::Authorize);
        add(format!("{root}/__provider/token"), Route::Token);
        add(
            format!("{root}/__vendor/{{vendor}}/{{*tail}}"),
            Route::VendorControl,
        );
        add(format!("{root}/"), Route::Index);
        for &vendor in vendors {
            for path in public(vendor) {
                add(literal(path), Route::VendorPublic(vendor));
            }
            let prefix = literal(vendor.prefix());
            for tail in ["", "/", "/{*rel}"] {
                add(format!("{prefix}{tail}"), Route::Api(vendor));
            }
        }
        let mut router = matchit::Router::new();
        for (path, route) in table {
            // The paths are the mock's own (roots and prefixes from the manifests and specs,
            // taken literally): a conflict is a bug the tests below catch, and leaves that one
            // path unrouted (a 404) rather than stopping the mock.
            let inserted = router.insert(path, route);
            debug_assert!(inserted.is_ok(), "{inserted:?}");
        }
        Routes(router)
    }

    /// Who answers `path`; `None` for a path no one serves (a 404).
    #[inline]
    pub(crate) fn find(&self, path: &str) -> Option<Route> {
        self.0.at(path).ok().map(|m| *m.value)
    }
}

/// `path` as a route that matches it literally (a server URL's path may hold a `{`).
fn literal(path: &str) -> String {
    path.replace('{', "{{").replace('}', "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(root: &str, vendors: &[MockVendor], tenants: bool) -> Routes {
        Routes::new(
            root,
            vendors,
            |v| match v {
                MockVendor::Ocoya => &["/ocoya/api/social-connect/start"],
                _ => &[],
            },
            tenants,
        )
    }

    #[test]
    fn every_path_goes_to_its_answerer() {
        let all = routes("", &MockVendor::ALL, true);
        let cases = [
            ("/__admin", Some(Route::Admin(Op::Status))),
            ("/__admin/", Some(Route::Admin(Op::Status))),
            ("/__admin/reset", Some(Route::Admin(Op::Reset))),
            ("/__admin/reset/", Some(Route::Admin(Op::Reset))),
            ("/__admin/reset//", Some(Route::Admin(Op::Unknown))),
            ("/__admin/resets", Some(Route::Admin(Op::Unknown))),
            ("/__admin/scenarios", Some(Route::Admin(Op::Scenarios))),
            (
                "/__admin/scenarios/recoup/",
                Some(Route::Admin(Op::Scenario(MockVendor::Recoup))),
            ),
            (
                "/__admin/scenarios/nope",
                Some(Route::Admin(Op::UnknownVendor)),
            ),
            ("/__admin/scenarios/nope/x", Some(Route::Admin(Op::Unknown))),
            ("/__admin/tenants", Some(Route::TenantList)),
            ("/t", Some(Route::Tenant)),
            ("/t/", Some(Route::Tenant)),
            ("/t/a", Some(Route::Tenant)),
            ("/t/a/any/path", Some(Route::Tenant)),
            ("/__provider/authorize", Some(Route::Authorize)),
            ("/__provider/authorize/", None),
            ("/__provider/token", Some(Route::Token)),
            ("/__vendor/woopsocial/pages", Some(Route::VendorControl)),
            ("/__vendor/woopsocial/", None),
            ("/__nothing", None),
            ("/", Some(Route::Index)),
            ("", None),
            (
                "/ocoya/api/social-connect/start",
                Some(Route::VendorPublic(MockVendor::Ocoya)),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(all.find(path), want, "{path:?}");
        }
        // Every path under a vendor's prefix is its API; a longer first name is not.
        for vendor in MockVendor::ALL {
            let prefix = vendor.prefix();
            let connect = format!("{prefix}{}", vendor.connect_path());
            for path in [
                prefix.to_owned(),
                format!("{prefix}/"),
                format!("{prefix}//x"),
                connect,
            ] {
                assert_eq!(all.find(&path), Some(Route::Api(vendor)), "{path}");
            }
            assert_eq!(all.find(&format!("{prefix}X")), None, "{prefix}X");
            let scenario = format!("/__admin/scenarios/{}", vendor.slug());
            let want = Some(Route::Admin(Op::Scenario(vendor)));
            assert_eq!(all.find(&scenario), want, "{scenario}");
        }
    }

    #[test]
    fn a_vendor_mounted_alone_has_its_control_routes_under_its_root() {
        let one = routes("/postbreeze", &[MockVendor::Postbreeze], false);
        assert_eq!(
            one.find("/postbreeze/__admin/reset"),
            Some(Route::Admin(Op::Reset))
        );
        assert_eq!(one.find("/__admin/reset"), None);
        assert_eq!(one.find("/postbreeze/"), Some(Route::Index));
        assert_eq!(one.find("/t/a"), None, "no tenants");
        let connect = |v: MockVendor| format!("{}{}", v.prefix(), v.connect_path());
        let other = connect(MockVendor::Recoup);
        assert_eq!(one.find(&other), None, "not its vendor");
        let api = connect(MockVendor::Postbreeze);
        assert_eq!(one.find(&api), Some(Route::Api(MockVendor::Postbreeze)));
    }
}
