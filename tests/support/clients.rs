//! The query strings real clients sent for the README's "Calling it from a
//! client" snippets, as `scripts/record-clients.sh` printed them (copied
//! verbatim; the client names carry the package versions), and what each
//! means on the seed schema's invoices. Shared by tests/clients.rs and
//! tests/server_e2e.rs.
#![allow(dead_code)]

use serde_json::{Value as Json, json};

pub struct Recorded {
    pub client: &'static str,
    pub query: &'static str,
    pub meaning: Meaning,
}

pub enum Meaning {
    /// A valid request: its filters (the `explain` JSON, in the order
    /// listquery keeps them: lists sent as arrays after the others), its
    /// effective sort (`-` for descending, the tie-breaker included), page
    /// and page size.
    Query {
        filters: fn() -> Json,
        sort: &'static [&'static str],
        page: u64,
        per_page: u64,
    },
    /// A 400 with these error codes, in order.
    Rejected(&'static [&'static str]),
}

fn status_paid_sent() -> Json {
    json!({"field": "status", "op": "eq", "values": ["paid", "sent"]})
}

fn amount_between() -> Json {
    json!({"field": "amount", "op": "between", "values": ["100", "500.5"]})
}

/// The qs request: `{filter: {status: [...], amount: {between: [...]}}, sort: [...], page: 2}`.
const QS_MEANING: Meaning = Meaning::Query {
    filters: || json!([status_paid_sent(), amount_between()]),
    sort: &["-amount", "number", "id"],
    page: 2,
    per_page: 15,
};

pub const RECORDED: [Recorded; 11] = [
    Recorded {
        client: "fetch+URLSearchParams",
        query: "filter%5Bstatus%5D=paid%2Csent&filter%5Bnumber%5D%5Bstarts_with%5D=%22INV-1%2C+corrected%22&sort=-amount%2Cnumber&per_page=5",
        meaning: Meaning::Query {
            filters: || {
                json!([
                    status_paid_sent(),
                    {"field": "number", "op": "starts_with", "values": ["INV-1, corrected"]}
                ])
            },
            sort: &["-amount", "number", "id"],
            page: 1,
            per_page: 5,
        },
    },
    Recorded {
        client: "qs 6.17.1 arrayFormat=indices",
        query: "filter%5Bstatus%5D%5B0%5D=paid&filter%5Bstatus%5D%5B1%5D=sent&filter%5Bamount%5D%5Bbetween%5D%5B0%5D=100&filter%5Bamount%5D%5Bbetween%5D%5B1%5D=500.5&sort%5B0%5D=-amount&sort%5B1%5D=number&page=2",
        meaning: QS_MEANING,
    },
    Recorded {
        client: "qs 6.17.1 arrayFormat=brackets",
        query: "filter%5Bstatus%5D%5B%5D=paid&filter%5Bstatus%5D%5B%5D=sent&filter%5Bamount%5D%5Bbetween%5D%5B%5D=100&filter%5Bamount%5D%5Bbetween%5D%5B%5D=500.5&sort%5B%5D=-amount&sort%5B%5D=number&page=2",
        meaning: QS_MEANING,
    },
    Recorded {
        client: "qs 6.17.1 arrayFormat=comma",
        query: "filter%5Bstatus%5D=paid%2Csent&filter%5Bamount%5D%5Bbetween%5D=100%2C500.5&sort=-amount%2Cnumber&page=2",
        meaning: QS_MEANING,
    },
    Recorded {
        client: "qs 6.17.1 arrayFormat=repeat",
        query: "filter%5Bstatus%5D=paid&filter%5Bstatus%5D=sent&filter%5Bamount%5D%5Bbetween%5D=100&filter%5Bamount%5D%5Bbetween%5D=500.5&sort=-amount&sort=number&page=2",
        meaning: Meaning::Rejected(&[
            "duplicate_parameter",
            "duplicate_parameter",
            "duplicate_parameter",
        ]),
    },
    Recorded {
        client: "qs 6.17.1 encodeValuesOnly",
        query: "filter[status][0]=paid&filter[status][1]=sent&filter[amount][between][0]=100&filter[amount][between][1]=500.5&sort[0]=-amount&sort[1]=number&page=2",
        meaning: QS_MEANING,
    },
    Recorded {
        client: "axios 1.21.1",
        query: "filter%5Bstatus%5D%5B0%5D=paid&filter%5Bstatus%5D%5B1%5D=sent&filter%5Bnumber%5D%5B0%5D=INV-1,+corrected&sort=-amount&limit=5",
        meaning: Meaning::Query {
            filters: || {
                json!([
                    status_paid_sent(),
                    {"field": "number", "op": "eq", "values": ["INV-1, corrected"]}
                ])
            },
            sort: &["-amount", "id"],
            page: 1,
            per_page: 5,
        },
    },
    Recorded {
        client: "vue-api-query 1.11.0",
        // Built with `encode: false`: the HTTP client encodes the space and
        // the quotes when it sends the request.
        query: "filter[status]=paid,sent&filter[number]=\"INV-1, corrected\"&sort=-amount,number&page=2&limit=5",
        meaning: Meaning::Query {
            filters: || {
                json!([
                    status_paid_sent(),
                    {"field": "number", "op": "eq", "values": ["INV-1, corrected"]}
                ])
            },
            sort: &["-amount", "number", "id"],
            page: 2,
            per_page: 5,
        },
    },
    Recorded {
        client: "PHP 8.2.36 http_build_query",
        query: "filter%5Bstatus%5D%5B0%5D=paid&filter%5Bstatus%5D%5B1%5D=sent&filter%5Bnumber%5D%5Bstarts_with%5D%5B0%5D=INV-1%2C%20corrected&filter%5Bdue_on%5D%5Bnull%5D=1&sort=-amount&per_page=5",
        meaning: Meaning::Query {
            filters: || {
                json!([
                    {"field": "due_on", "op": "null", "values": [true]},
                    status_paid_sent(),
                    {"field": "number", "op": "starts_with", "values": ["INV-1, corrected"]}
                ])
            },
            sort: &["-amount", "id"],
            page: 1,
            per_page: 5,
        },
    },
    Recorded {
        client: "python requests 2.34.2",
        query: "filter%5Bstatus%5D%5B%5D=paid&filter%5Bstatus%5D%5B%5D=sent&filter%5Bnumber%5D%5Bstarts_with%5D=%22INV-1%2C+corrected%22&sort=-amount&per_page=5",
        meaning: Meaning::Query {
            filters: || {
                json!([
                    {"field": "number", "op": "starts_with", "values": ["INV-1, corrected"]},
                    status_paid_sent()
                ])
            },
            sort: &["-amount", "id"],
            page: 1,
            per_page: 5,
        },
    },
    Recorded {
        client: "python requests 2.34.2 repeated key",
        query: "filter%5Bstatus%5D=paid&filter%5Bstatus%5D=sent",
        meaning: Meaning::Rejected(&["duplicate_parameter"]),
    },
];
