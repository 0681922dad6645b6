//! The page envelope as a client receives it: JSON snapshots of representative
//! pages, and the edges (huge totals, paths, fragments, parameter order).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use listquery::page::{LinkOptions, Metadata, PageEnvelope, PageError, PageUrls};
use listquery::{AggregateValue, Decimal, ErrorCode, Pagination};
use serde::Serialize;

#[derive(Serialize)]
struct Invoice {
    id: u64,
    number: String,
}

fn rows(from: u64, count: u64) -> Vec<Invoice> {
    (from..from + count)
        .map(|id| Invoice {
            id,
            number: format!("INV-{id:04}"),
        })
        .collect()
}

fn page(page: u64, per_page: u64) -> Pagination {
    Pagination {
        page,
        per_page,
        offset: (page - 1) * per_page,
    }
}

fn urls() -> PageUrls {
    PageUrls::new("https://api.example.com/v1/invoices/")
        .unwrap()
        .pairs([
            ("filter[status]", "paid,sent"),
            ("sort", "-created_at"),
            ("per_page", "15"),
        ])
}

/// Total 50 at 15 a page: 4 pages, the last one holding 5 rows.
fn envelope(p: u64, on_page: u64) -> PageEnvelope<Invoice> {
    let u = urls();
    PageEnvelope::new(page(p, 15), 50, rows((p - 1) * 15 + 1, on_page), &u)
}

#[test]
fn snapshot_first_page() {
    insta::assert_json_snapshot!("first_page", envelope(1, 15));
}

#[test]
fn snapshot_middle_page_with_links() {
    let u = urls();
    let env = PageEnvelope::new(page(2, 15), 50, rows(16, 15), &u)
        .with_links(&u, &LinkOptions::default());
    insta::assert_json_snapshot!("middle_page_with_links", env);
}

#[test]
fn snapshot_last_page() {
    insta::assert_json_snapshot!("last_page", envelope(4, 5));
}

#[test]
fn snapshot_past_the_end() {
    insta::assert_json_snapshot!("past_the_end", envelope(9, 0));
}

#[test]
fn snapshot_empty_list() {
    let u = PageUrls::new("/v1/invoices").unwrap();
    let env: PageEnvelope<Invoice> = PageEnvelope::new(page(1, 15), 0, Vec::new(), &u);
    insta::assert_json_snapshot!("empty_list", env);
}

#[test]
fn snapshot_with_metadata() {
    let u = urls().pairs([("metadata", "1")]);
    let env = PageEnvelope::new(page(1, 15), 50, rows(1, 15), &u).with_metadata(Metadata::new([
        (
            "total_amount",
            AggregateValue::Decimal(Decimal::new(123_450, 2)),
        ),
        ("invoice_count", AggregateValue::Integer(50)),
        ("smallest_amount", AggregateValue::Null),
    ]));
    insta::assert_json_snapshot!("with_metadata", env);
}

#[test]
fn key_order_is_laravels_then_links_then_metadata() {
    let u = urls();
    let env = PageEnvelope::new(page(1, 15), 50, rows(1, 15), &u)
        .with_links(&u, &LinkOptions::default())
        .with_metadata(Metadata::new([("n", AggregateValue::Integer(1))]));
    let json = serde_json::to_string(&env).unwrap();
    let keys = [
        "total",
        "per_page",
        "current_page",
        "last_page",
        "first_page_url",
        "last_page_url",
        "next_page_url",
        "prev_page_url",
        "path",
        "from",
        "to",
        "data",
        "links",
        "metadata",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            json.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
    let without = serde_json::to_value(envelope(1, 15)).unwrap();
    assert!(without.get("links").is_none() && without.get("metadata").is_none());
}

#[test]
fn huge_totals_and_pages_do_not_overflow() {
    let u = PageUrls::new("/x").unwrap();
    let p = Pagination {
        page: u64::MAX,
        per_page: 100,
        offset: u64::MAX,
    };
    let env =
        PageEnvelope::new(p, u64::MAX, vec![1, 2, 3], &u).with_links(&u, &LinkOptions::default());
    assert_eq!(env.last_page, u64::MAX / 100 + 1);
    assert_eq!(env.next_page_url, None);
    assert_eq!(env.from, Some(u64::MAX));
    assert_eq!(env.to, Some(u64::MAX));
    let last = Pagination {
        page: 1,
        per_page: 1,
        offset: 0,
    };
    let env = PageEnvelope::new(last, u64::MAX, vec![1], &u)
        .with_links(&u, &LinkOptions::default().on_each_side(255));
    assert_eq!(env.last_page, u64::MAX);
    assert_eq!(env.last_page_url, format!("/x?page={}", u64::MAX));
    // The window stays small whatever the total: 2k+4 pages, a gap, 2 pages, prev/next.
    assert_eq!(env.links.unwrap().len(), 2 * 255 + 4 + 1 + 2 + 2);
}

#[test]
fn path_is_normalised_and_unsafe_paths_rejected() {
    assert_eq!(PageUrls::new("/").unwrap().url(2), "/?page=2");
    assert_eq!(PageUrls::new("").unwrap().url(2), "?page=2");
    assert_eq!(PageUrls::new("/a///").unwrap().path(), "/a");
    assert_eq!(
        PageUrls::new("https://x.test/a?tenant=7").unwrap().url(3),
        "https://x.test/a?tenant=7&page=3"
    );
    for bad in [
        "//evil.test/a",
        "/\\evil.test",
        "\\\\evil.test",
        "\\x",
        "/a\nb",
        " //evil.test",
        "\t/x",
    ] {
        let err = PageUrls::new(bad).unwrap_err();
        assert!(matches!(err, PageError::InvalidPath { .. }), "{bad:?}");
        assert_eq!(err.code(), None);
        assert!(err.to_string().contains("rejected"), "{err}");
    }
}

#[test]
fn query_is_encoded_as_php_rfc3986() {
    let u = PageUrls::new("/c").unwrap().pairs([
        ("filter[name]", "\"Smith, John\",Doe"),
        ("q", "a b+c&d=e%f/g?h#i~j-k_l.m"),
        ("city", "Zürich 東京"),
    ]);
    assert_eq!(
        u.url(1),
        "/c?filter%5Bname%5D=%22Smith%2C%20John%22%2CDoe&q=a%20b%2Bc%26d%3De%25f%2Fg%3Fh%23i~j-k_l.m&city=Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC&page=1"
    );
}

#[test]
fn page_is_replaced_in_place_or_goes_last() {
    let mid =
        PageUrls::new("/c")
            .unwrap()
            .pairs([("sort", "name"), ("page", "7"), ("per_page", "5")]);
    assert_eq!(mid.url(3), "/c?sort=name&page=3&per_page=5");
    let last = PageUrls::new("/c")
        .unwrap()
        .pairs([("sort", "name"), ("page", "7")])
        .append("q", "x");
    assert_eq!(last.url(3), "/c?sort=name&q=x&page=3");
    let renamed = PageUrls::new("/c")
        .unwrap()
        .page_name("p")
        .pairs([("p", "2"), ("page", "9")]);
    assert_eq!(renamed.url(4), "/c?p=4&page=9");
    assert_eq!(PageUrls::new("/c").unwrap().url(0), "/c?page=1");
}

#[test]
fn appends_replace_in_place_and_fragment_is_added() {
    let u = PageUrls::new("/c")
        .unwrap()
        .pairs([("sort", "-name"), ("filter[status]", "paid")])
        .append("sort", "name")
        .append("page", "99")
        .append("q", "a b")
        .fragment("results");
    assert_eq!(
        u.url(2),
        "/c?sort=name&filter%5Bstatus%5D=paid&q=a%20b&page=2#results"
    );
    assert_eq!(
        PageUrls::new("/c").unwrap().fragment("").url(1),
        "/c?page=1"
    );
}

#[test]
fn too_many_rows_maps_to_its_code_and_a_json_api_body() {
    let e = PageError::TooManyRows {
        max: 1000,
        page_parameter: "page".into(),
        per_page_parameter: "per_page".into(),
        max_per_page: 100,
    };
    assert_eq!(e.code(), Some(ErrorCode::TooManyRows));
    let body: serde_json::Value =
        serde_json::from_str(&e.to_json_api().unwrap().to_json()).unwrap();
    assert_eq!(body["errors"][0]["code"], "too_many_rows");
    assert_eq!(body["errors"][0]["status"], "400");
    let detail = body["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("1000") && detail.contains("'page'"),
        "{detail}"
    );
    assert!(PageError::MissingTotal.to_json_api().is_none());
}
