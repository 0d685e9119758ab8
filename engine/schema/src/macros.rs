//! The `schema!` macro: one declaration of an engine's parameters generates its table.

/// Generates, from one declaration, the option enums and the parameter table with its ids.
///
/// Invoked once per engine, each in its own module (the amSynth table in `table.rs`, PolyPerc's
/// in `polyperc.rs`): each gets its own `ParamId`, `NUM_PARAMS` and `PARAMS`. The row
/// constructors (`cont`, `categ`, `stepped`) must be in scope where it is invoked.
macro_rules! schema {
    (
        options {
            $( $(#[$om:meta])* $opt:ident { $( $ov:ident = $on:literal ),+ $(,)? } )*
        }
        params {
            $(
                $(#[$pm:meta])*
                $pv:ident = $ctor:ident ( $($args:tt)* ) $( . $post:ident () )*
            ),+ $(,)?
        }
    ) => {
        $(
            $(#[$om])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[repr(u8)]
            pub enum $opt { $( $ov ),+ }

            impl $opt {
                /// The options' names as banks, OSC paths and Lua spell them, in index order.
                pub const NAMES: &'static [&'static str] = &[ $( $on ),+ ];
                pub const ALL: &'static [$opt] = &[ $( $opt::$ov ),+ ];

                /// The option a stored value selects. Stored values are sanitized, so they are
                /// in range; anything else is clamped to the nearest end.
                #[inline]
                pub fn from_value(v: f32) -> $opt {
                    Self::ALL[(v.max(0.0) as usize).min(Self::ALL.len() - 1)]
                }

                pub fn name(self) -> &'static str {
                    Self::NAMES[self as usize]
                }

                /// The stored value that selects this option.
                pub fn value(self) -> f32 {
                    f32::from(self as u8)
                }
            }
        )*

        /// Parameter indices by name, so DSP code reads `values[ParamId::FilterCutoff as usize]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(usize)]
        pub enum ParamId { $( $pv ),+ }

        /// Number of parameters in this schema.
        pub const NUM_PARAMS: usize = [ $( ParamId::$pv ),+ ].len();

        impl ParamId {
            /// Every id, in index order.
            pub const ALL: [ParamId; NUM_PARAMS] = [ $( ParamId::$pv ),+ ];
        }

        /// Every parameter, in index order.
        pub static PARAMS: [ParamSpec; NUM_PARAMS] = [
            $( schema!(@row $pv $ctor ( $($args)* )) $( . $post () )* ),+
        ];
    };
    (@row $pv:ident categ ( $opt:ident, $($rest:tt)* )) => {
        categ(ParamId::$pv as usize, $opt::NAMES, $($rest)*)
    };
    (@row $pv:ident $ctor:ident ( $($args:tt)* )) => {
        $ctor(ParamId::$pv as usize, $($args)*)
    };
}
