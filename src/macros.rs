//! Macros shared across the crate.

/// An enum whose variants have kebab-case names: the same name in JSON, in reports, on
/// the command line and in the claims file. Gives `as_str`, parsing from the name
/// (`FromStr`), and `VARIANTS`, the list of every variant in declaration order.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            strum::IntoStaticStr,
            strum::EnumString,
            strum::VariantArray,
        )]
        #[serde(rename_all = "kebab-case")]
        #[strum(serialize_all = "kebab-case")]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)*
        }

        impl $name {
            /// The variant's name, as JSON and reports write it.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}
