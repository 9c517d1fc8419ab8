//! Choices users pick by name (`--lead-time mr-merge`, `--failure-method window`, formats):
//! each value's name and one-line help are written once, in the `choice!` declaration, and
//! every reader (the command line, the config file, tables, summary.json) takes them from
//! there. `cli` turns them into clap value enums; nothing here knows clap.

/// A value users pick by name.
pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the order help and reports list them.
    const ALL: &'static [Self];
    /// The name users type and outputs show.
    fn name(self) -> &'static str;
    /// One line for `--help`.
    fn help(self) -> &'static str;
    /// The value named `name` (exactly as [`Choice::name`] writes it).
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// Declares an enum of named choices: `Variant = "name", "help";` per value. The help is
/// also the variant's documentation. The enum gets [`Choice`], an inherent `name()`, and a
/// `Serialize` that writes the name.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $( $(#[$vmeta:meta])* $var:ident = $name:literal, $help:literal; )+
        }
    ) => {
        $(#[$meta])*
        pub enum $ty {
            $( #[doc = concat!($help, ".")] $(#[$vmeta])* $var, )+
        }

        impl $crate::model::Choice for $ty {
            const ALL: &'static [Self] = &[$($ty::$var),+];
            fn name(self) -> &'static str {
                match self { $($ty::$var => $name),+ }
            }
            fn help(self) -> &'static str {
                match self { $($ty::$var => $help),+ }
            }
        }

        impl $ty {
            /// Every value, in the order help and reports list them.
            pub const ALL: &'static [$ty] = &[$($ty::$var),+];

            /// The name users type and outputs show.
            pub fn name(self) -> &'static str {
                $crate::model::Choice::name(self)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}
pub(crate) use choice;
