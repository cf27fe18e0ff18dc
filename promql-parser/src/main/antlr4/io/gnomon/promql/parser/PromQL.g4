/*
 * PromQL parser grammar (Prometheus 3.14 language), written for Gnomon.
 *
 * Operator precedence follows Prometheus; ANTLR gives alternatives listed earlier in a
 * left-recursive rule the higher precedence:
 *
 *   postfix  [range] [range:step] offset @ anchored smoothed   (tightest)
 *   ^                      right-associative
 *   unary + -              binds below ^, so -2^2 == -(2^2), and above * so -a*b == (-a)*b
 *   * / % atan2
 *   + -
 *   == != <= < >= > </ >/
 *   and unless
 *   or                     (loosest)
 *
 * Semantic checks (types, modifier placement, duration ranges) are not in the grammar: they
 * live in AstBuilder and TypeChecker so that each error carries Prometheus's message.
 */
parser grammar PromQL;

options { tokenVocab = PromQLLexer; }

query
    : expr EOF
    ;

expr
    : expr LEFT_BRACKET rangeBody RIGHT_BRACKET                           # rangeOrSubquery
    | expr OFFSET offsetValue                                             # offsetModifier
    | expr AT atValue                                                     # atModifier
    | expr (ANCHORED | SMOOTHED)                                          # extendedRangeModifier
    | <assoc=right> expr op=POW binModifiers? expr                        # binary
    | op=(ADD | SUB) expr                                                 # unary
    | expr op=(MUL | DIV | MOD | ATAN2) binModifiers? expr                # binary
    | expr op=(ADD | SUB) binModifiers? expr                              # binary
    | expr op=(EQLC | NEQ | LTE | LSS | GTE | GTR | TRIM_UPPER | TRIM_LOWER) binModifiers? expr # binary
    | expr op=(LAND | LUNLESS) binModifiers? expr                         # binary
    | expr op=LOR binModifiers? expr                                      # binary
    | op=(SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
         | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO)
      aggregateModifier functionArgs                                      # aggregate
    | op=(SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
         | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO)
      functionArgs aggregateModifier?                                     # aggregate
    | name=(IDENTIFIER | START | END | STEP | RANGE | MAX_OF | MIN_OF)
      functionArgs                                                        # call
    | LEFT_PAREN expr RIGHT_PAREN                                         # paren
      // The keywords Prometheus accepts as a metric name.
    | name=(IDENTIFIER | METRIC_IDENTIFIER
           | AVG | BOTTOMK | BY | COUNT | COUNT_VALUES | FILL | FILL_LEFT | FILL_RIGHT | GROUP
           | LAND | LOR | LUNLESS | MAX | MIN | OFFSET | QUANTILE | STDDEV | STDVAR | SUM | TOPK
           | WITHOUT | START | END | LIMITK | LIMIT_RATIO | STEP | RANGE | ANCHORED | SMOOTHED
           | MAX_OF | MIN_OF)
      labelMatchers?                                                      # vectorSelector
    | labelMatchers                                                       # vectorSelector
    | (NUMBER | DURATION)                                                 # numberLiteral
    | STRING                                                              # stringLiteral
    ;

// ---- binary operator modifiers ------------------------------------------------------------

// Never empty: an operator without modifiers has no binModifiers node at all.
binModifiers
    : BOOL (onOrIgnoring groupModifier?)? fillModifiers?
    | onOrIgnoring groupModifier? fillModifiers?
    | fillModifiers
    ;

onOrIgnoring
    : (ON | IGNORING) groupingLabels
    ;

groupModifier
    : (GROUP_LEFT | GROUP_RIGHT) groupingLabels?
    ;

fillModifiers
    : FILL fillValue
    | FILL_LEFT fillValue (FILL_RIGHT fillValue)?
    | FILL_RIGHT fillValue (FILL_LEFT fillValue)?
    ;

fillValue
    : LEFT_PAREN (ADD | SUB)? (NUMBER | DURATION) RIGHT_PAREN
    ;

// ---- aggregations and calls ---------------------------------------------------------------

aggregateModifier
    : (BY | WITHOUT) groupingLabels
    ;

// Label names of by/without/on/ignoring/group_*; inside these lists a keyword is a label name.
groupingLabels
    : LEFT_PAREN
      ( labels+=(IDENTIFIER | METRIC_IDENTIFIER | STRING
                     | AVG | BOOL | BOTTOMK | BY | COUNT | COUNT_VALUES | GROUP | GROUP_LEFT
                     | GROUP_RIGHT | FILL | FILL_LEFT | FILL_RIGHT | IGNORING | LAND | LOR
                     | LUNLESS | MAX | MIN | OFFSET | ON | QUANTILE | STDDEV | STDVAR | SUM
                     | TOPK | START | END | ATAN2 | LIMITK | LIMIT_RATIO | STEP | RANGE
                     | ANCHORED | SMOOTHED | MAX_OF | MIN_OF | WITHOUT)
        ( COMMA labels+=(IDENTIFIER | METRIC_IDENTIFIER | STRING
                     | AVG | BOOL | BOTTOMK | BY | COUNT | COUNT_VALUES | GROUP | GROUP_LEFT
                     | GROUP_RIGHT | FILL | FILL_LEFT | FILL_RIGHT | IGNORING | LAND | LOR
                     | LUNLESS | MAX | MIN | OFFSET | ON | QUANTILE | STDDEV | STDVAR | SUM
                     | TOPK | START | END | ATAN2 | LIMITK | LIMIT_RATIO | STEP | RANGE
                     | ANCHORED | SMOOTHED | MAX_OF | MIN_OF | WITHOUT) )*
        COMMA?
      )?
      RIGHT_PAREN
    ;

functionArgs
    : LEFT_PAREN (expr (COMMA expr)* trailingComma=COMMA?)? RIGHT_PAREN
    ;

// ---- selectors ----------------------------------------------------------------------------

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

labelMatcher
    : name=(IDENTIFIER | STRING) op=(EQL | NEQ | EQL_REGEX | NEQ_REGEX) value=STRING # labelMatch
    | STRING                                                              # quotedMetricName
    ;

// ---- modifiers ----------------------------------------------------------------------------

rangeBody
    : range=durationExpr (COLON step=durationExpr?)?
    ;

atValue
    : (ADD | SUB)? (NUMBER | DURATION)                                    # atTimestamp
    | (START | END) LEFT_PAREN RIGHT_PAREN                                # atStartEnd
    ;

// After 'offset' only an atom may follow: "foo offset 5s - 8" is (foo offset 5s) - 8.
offsetValue
    : (ADD | SUB)? (NUMBER | DURATION)                                    # offsetLiteral
    | (ADD | SUB)? durationAtom                                           # offsetDurationAtom
    ;

// ---- duration expressions -----------------------------------------------------------------

durationExpr
    : <assoc=right> durationExpr op=POW durationExpr                      # durationBinary
    | op=(ADD | SUB) durationExpr                                         # durationUnary
    | durationExpr op=(MUL | DIV | MOD) durationExpr                      # durationBinary
    | durationExpr op=(ADD | SUB) durationExpr                            # durationBinary
    | (NUMBER | DURATION)                                                 # durationLiteral
    | durationAtom                                                        # durationAtomExpr
    ;

durationAtom
    : STEP LEFT_PAREN RIGHT_PAREN                                         # durationStep
    | RANGE LEFT_PAREN RIGHT_PAREN                                        # durationRange
    | op=(MIN_OF | MAX_OF) LEFT_PAREN durationExpr COMMA durationExpr RIGHT_PAREN # durationMinMax
    | LEFT_PAREN durationExpr RIGHT_PAREN                                 # durationParen
    ;
