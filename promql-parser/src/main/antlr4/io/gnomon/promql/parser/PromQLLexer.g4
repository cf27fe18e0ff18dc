/*
 * PromQL lexer (Prometheus 3.14 language), written for Gnomon.
 *
 * Three modes mirror the three lexical contexts of PromQL:
 *   DEFAULT_MODE  expressions: keywords, identifiers, numbers, durations, operators;
 *   BRACES        inside {...}: label names (keywords are plain identifiers here), strings,
 *                 match operators;
 *   BRACKET       inside [...]: range / subquery durations and duration arithmetic, where ':'
 *                 separates range and step instead of being part of a metric name.
 *
 * Tokens whose names start with ERR_ or BAD_ never appear in the parser grammar. They turn
 * malformed input into one token so that PromQLParser can report it with Prometheus's
 * wording ("bad number or duration syntax", "unterminated quoted string", ...).
 */
lexer grammar PromQLLexer;

options { caseInsensitive = false; }

@members {
    /** fill/fill_left/fill_right are keywords only when the next non-blank character is '('. */
    private boolean followedByParen() {
        int i = 1;
        while (true) {
            int c = _input.LA(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { i++; continue; }
            return c == '(';
        }
    }
}

// ---------------------------------------------------------------------------------------
// DEFAULT_MODE
// ---------------------------------------------------------------------------------------

WS      : [ \t\r\n]+ -> skip ;
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;

LEFT_PAREN    : '(' ;
RIGHT_PAREN   : ')' ;
LEFT_BRACE    : '{' -> pushMode(BRACES) ;
LEFT_BRACKET  : '[' -> pushMode(BRACKET) ;
COMMA         : ',' ;
AT            : '@' ;

ADD   : '+' ;
SUB   : '-' ;
MUL   : '*' ;
DIV   : '/' ;
MOD   : '%' ;
POW   : '^' ;
EQLC  : '==' ;
NEQ   : '!=' ;
LTE   : '<=' ;
GTE   : '>=' ;
TRIM_UPPER : '</' ;
TRIM_LOWER : '>/' ;
LSS   : '<' ;
GTR   : '>' ;
EQL   : '=' ;

// Keywords are matched case-insensitively, as Prometheus lower-cases a word before looking it up.
LAND         options { caseInsensitive = true; } : 'and' ;
LOR          options { caseInsensitive = true; } : 'or' ;
LUNLESS      options { caseInsensitive = true; } : 'unless' ;
ATAN2        options { caseInsensitive = true; } : 'atan2' ;

SUM          options { caseInsensitive = true; } : 'sum' ;
AVG          options { caseInsensitive = true; } : 'avg' ;
COUNT        options { caseInsensitive = true; } : 'count' ;
MIN          options { caseInsensitive = true; } : 'min' ;
MAX          options { caseInsensitive = true; } : 'max' ;
GROUP        options { caseInsensitive = true; } : 'group' ;
STDDEV       options { caseInsensitive = true; } : 'stddev' ;
STDVAR       options { caseInsensitive = true; } : 'stdvar' ;
TOPK         options { caseInsensitive = true; } : 'topk' ;
BOTTOMK      options { caseInsensitive = true; } : 'bottomk' ;
COUNT_VALUES options { caseInsensitive = true; } : 'count_values' ;
QUANTILE     options { caseInsensitive = true; } : 'quantile' ;
LIMITK       options { caseInsensitive = true; } : 'limitk' ;
LIMIT_RATIO  options { caseInsensitive = true; } : 'limit_ratio' ;

OFFSET       options { caseInsensitive = true; } : 'offset' ;
SMOOTHED     options { caseInsensitive = true; } : 'smoothed' ;
ANCHORED     options { caseInsensitive = true; } : 'anchored' ;
BY           options { caseInsensitive = true; } : 'by' ;
WITHOUT      options { caseInsensitive = true; } : 'without' ;
ON           options { caseInsensitive = true; } : 'on' ;
IGNORING     options { caseInsensitive = true; } : 'ignoring' ;
GROUP_LEFT   options { caseInsensitive = true; } : 'group_left' ;
GROUP_RIGHT  options { caseInsensitive = true; } : 'group_right' ;
FILL_LEFT    options { caseInsensitive = true; } : 'fill_left' { followedByParen() }? ;
FILL_RIGHT   options { caseInsensitive = true; } : 'fill_right' { followedByParen() }? ;
FILL         options { caseInsensitive = true; } : 'fill' { followedByParen() }? ;
BOOL         options { caseInsensitive = true; } : 'bool' ;

START        options { caseInsensitive = true; } : 'start' ;
END          options { caseInsensitive = true; } : 'end' ;
STEP         options { caseInsensitive = true; } : 'step' ;
RANGE        options { caseInsensitive = true; } : 'range' ;
MAX_OF       options { caseInsensitive = true; } : 'max_of' ;
MIN_OF       options { caseInsensitive = true; } : 'min_of' ;

NUMBER   : DEC_NUMBER | HEX_NUMBER | INF_NAN ;
DURATION : DURATION_TEXT ;

STRING   : DQ_STRING | SQ_STRING | RAW_STRING ;

IDENTIFIER        : [a-zA-Z_] [a-zA-Z0-9_]* ;
METRIC_IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]* ;

// Malformed input, reported by PromQLParser with Prometheus's messages.
BAD_NUMBER       : ( [0-9] | '.' [0-9] ) [a-zA-Z0-9_.]* ;
UNTERM_STRING    : ( '"' ( '\\' ~[\n] | ~["\\\n] )* | '\'' ( '\\' ~[\n] | ~['\\\n] )* ) '\\'? ;
UNTERM_RAW       : '`' ~[`]* ;
ERR_EQL_TILDE    : '=~' ;
ERR_BANG         : '!' ~[=]? ;
ERR_RIGHT_BRACKET: ']' ;
ERR_CHAR         : . ;

// ---------------------------------------------------------------------------------------
// Fragments
// ---------------------------------------------------------------------------------------

fragment DIGITS      : [0-9] ( '_'? [0-9] )* ;
fragment HEX_DIGITS  : [0-9a-fA-F] ( '_'? [0-9a-fA-F] )* ;
fragment DEC_NUMBER  : ( DIGITS ( '.' DIGITS? )? | '.' DIGITS ) ( [eE] [+-]? DIGITS )? ;
fragment HEX_NUMBER  : '0' [xX] '_'? HEX_DIGITS ;
fragment INF_NAN     : [iI] [nN] [fF] | [nN] [aA] [nN] ;
fragment UNIT        : 'ms' | [smhdwy] 's'? ;
fragment DURATION_TEXT : [0-9]+ UNIT ( [0-9]+ UNIT )* ;
fragment DQ_STRING   : '"' ( '\\' ~[\n] | ~["\\\n] )* '"' ;
fragment SQ_STRING   : '\'' ( '\\' ~[\n] | ~['\\\n] )* '\'' ;
fragment RAW_STRING  : '`' ~[`]* '`' ;

// ---------------------------------------------------------------------------------------
// BRACES: label matchers and label sets.
// ---------------------------------------------------------------------------------------
mode BRACES;

B_WS          : [ \t\r\n]+ -> skip ;
B_COMMENT     : '#' ~[\r\n]* -> channel(HIDDEN) ;
RIGHT_BRACE   : '}' -> popMode ;
B_COMMA       : ',' -> type(COMMA) ;
EQL_REGEX     : '=~' ;
NEQ_REGEX     : '!~' ;
B_NEQ         : '!=' -> type(NEQ) ;
B_EQL         : '=' -> type(EQL) ;
B_STRING      : ( DQ_STRING | SQ_STRING | RAW_STRING ) -> type(STRING) ;
B_IDENTIFIER  : [a-zA-Z_] [a-zA-Z0-9_]* -> type(IDENTIFIER) ;
B_UNTERM_STRING : ( '"' ( '\\' ~[\n] | ~["\\\n] )* | '\'' ( '\\' ~[\n] | ~['\\\n] )* ) '\\'? -> type(UNTERM_STRING) ;
B_UNTERM_RAW  : '`' ~[`]* -> type(UNTERM_RAW) ;
ERR_BRACE_BANG: '!' ~[=~]? ;
ERR_BRACE_CHAR: . ;

// ---------------------------------------------------------------------------------------
// BRACKET: range and subquery durations, duration arithmetic.
// ---------------------------------------------------------------------------------------
mode BRACKET;

K_WS          : [ \t\r\n]+ -> skip ;
K_COMMENT     : '#' ~[\r\n]* -> channel(HIDDEN) ;
RIGHT_BRACKET : ']' -> popMode ;
COLON         : ':' ;
K_LEFT_PAREN  : '(' -> type(LEFT_PAREN) ;
K_RIGHT_PAREN : ')' -> type(RIGHT_PAREN) ;
K_COMMA       : ',' -> type(COMMA) ;
K_ADD         : '+' -> type(ADD) ;
K_SUB         : '-' -> type(SUB) ;
K_MUL         : '*' -> type(MUL) ;
K_DIV         : '/' -> type(DIV) ;
K_MOD         : '%' -> type(MOD) ;
K_POW         : '^' -> type(POW) ;
K_STEP        options { caseInsensitive = true; } : 'step' -> type(STEP) ;
K_RANGE       options { caseInsensitive = true; } : 'range' -> type(RANGE) ;
K_MAX_OF      options { caseInsensitive = true; } : 'max_of' -> type(MAX_OF) ;
K_MIN_OF      options { caseInsensitive = true; } : 'min_of' -> type(MIN_OF) ;
K_NUMBER      : ( DEC_NUMBER | HEX_NUMBER ) -> type(NUMBER) ;
K_DURATION    : DURATION_TEXT -> type(DURATION) ;
K_BAD_NUMBER  : ( [0-9] | '.' [0-9] ) [a-zA-Z0-9_.]* -> type(BAD_NUMBER) ;
K_WORD        : [a-zA-Z_] [a-zA-Z0-9_]* -> type(ERR_BRACKET_CHAR) ;
ERR_BRACKET_LEFT : '[' ;
ERR_BRACKET_CHAR : . ;
