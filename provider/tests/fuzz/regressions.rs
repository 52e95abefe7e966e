//! The minimal inputs fuzzing found, one plain test each, beside the fix they prove.
