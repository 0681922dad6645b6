//! Errors of the SQL layer.

use crate::error::{ErrorCode, ErrorDocument, ErrorObject, QueryError, ValidationError};
use crate::limits::LimitKind;

/// An error of the SQL layer. The client error ([`SqlError::BoundValues`]) has
/// a stable [`ErrorCode`] and a JSON:API body; the others mean the caller's
/// code is wrong (HTTP 500), and none ever carries database text. A list over
/// `max_unpaginated_rows` is the response layer's
/// [`PageError::TooManyRows`](crate::page::PageError::TooManyRows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SqlError {
    /// A statement would bind more values than `max_bound_values`.
    #[error(
        "too many bound values in one statement: {actual}, at most {max}; send fewer filter values"
    )]
    BoundValues {
        /// The resource's `max_bound_values`.
        max: usize,
        /// What the statement would bind.
        actual: usize,
    },
    /// A filter whose values do not fit its operator. Never happens for a
    /// [`ListQuery`](crate::ListQuery) made by [`ListQuery::parse`](crate::ListQuery::parse).
    #[error("filter on '{field}' with '{op}' has values the operator cannot take")]
    MalformedFilter {
        /// The field.
        field: String,
        /// The operator.
        op: &'static str,
    },
    /// A result column of the count statement could not be decoded.
    #[error("count column '{column}': cannot decode {value:?} as {expected}")]
    Decode {
        /// The column alias.
        column: String,
        /// The text read (a number, never database error text).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The row of the count statement has the wrong number of columns.
    #[error("count statement row has {actual} aggregate columns, expected {expected}")]
    ColumnCount {
        /// Columns expected after `total`.
        expected: usize,
        /// Columns given.
        actual: usize,
    },
}

impl SqlError {
    /// The stable machine code: `limit_exceeded`, or `None` for server-side
    /// errors that are no fault of the client.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::BoundValues { .. } => Some(ErrorCode::LimitExceeded),
            _ => None,
        }
    }

    /// Whether the client caused it (answer HTTP 400 with [`SqlError::to_json_api`]).
    pub fn is_client_error(&self) -> bool {
        self.code().is_some()
    }

    /// The error as a validation error, for apps that report it with the
    /// request's other [`QueryError`]s (only [`SqlError::BoundValues`]).
    pub fn to_query_error(&self) -> Option<QueryError> {
        match self {
            Self::BoundValues { max, actual } => {
                Some(QueryError::Validation(ValidationError::LimitExceeded {
                    parameter: None,
                    limit: LimitKind::BoundValues,
                    max: *max,
                    actual: *actual,
                }))
            }
            _ => None,
        }
    }

    /// The JSON:API body to send with HTTP 400, for a client error.
    ///
    /// ```
    /// use listquery::sql::SqlError;
    /// let e = SqlError::BoundValues { max: 1000, actual: 1002 };
    /// assert_eq!(
    ///     e.to_json_api().unwrap().to_json(),
    ///     r#"{"errors":[{"status":"400","code":"limit_exceeded","title":"Limit exceeded","detail":"too many bound values in one statement: 1002, at most 1000; send fewer filter values"}]}"#
    /// );
    /// ```
    pub fn to_json_api(&self) -> Option<ErrorDocument> {
        let code = self.code()?;
        Some(ErrorDocument {
            errors: vec![ErrorObject::new(code, self.to_string(), None)],
        })
    }
}
