//! What every vendor does alike, asked the same way of each (a vendor added with `cargo xtask
//! vendor new` included, with no test written for it here): its typical request through the SDK
//! to an account recorded at the mock, and its answers as its spec documents them.

use social_connect::Vendor;
use social_connect_tests::{Harness, mock_vendor};

use crate::common;

#[tokio::test]
async fn every_vendor_connects_its_typical_request_to_a_recorded_account() {
    for vendor in Vendor::ALL {
        let h = Harness::new(vendor).await;
        let account = common::connect_and_follow(&h).await;
        assert_eq!(account["vendor"], mock_vendor(vendor).slug(), "{account}");
    }
}

#[tokio::test]
async fn every_vendor_answers_as_its_spec_documents() {
    for vendor in Vendor::ALL {
        let h = Harness::new(vendor).await;
        common::documented_statuses_match_the_spec(&h).await;
    }
}
