//! Behaviour of the four libraries compared with redis-server 7.0.15.
//!
//! Every expected value below was produced by running the same Lua expression with
//! `EVAL` on a real redis-server 7.0.15 (its bundled C libraries) and recording the reply.
//! The expression results go through `S`/`P` (defined in `PRELUDE`), which render values
//! as one printable line, so binary strings and number bits compare exactly.

mod common;

/// Cases where a library function is tail-called (`return lib.f(...)`). Lua 5.1 drops the
/// caller's frame for a tail call into a Lua function, and our functions are thin Lua
/// wrappers, so the `user_script:N: ` position that the C functions prefix is unknown and
/// left out. (expression, reply of redis-server 7.0.15, our result)
const TAIL_CALL_CASES: &[(&str, &str, &str)] = &[
    (
        r#"P(function() local t = {} local c = t for i=1,1100 do c[1] = {} c = c[1] end return cjson.encode(t) end)"#,
        r#"false "user_script:27: Cannot serialise, excessive nesting (1001)""#,
        r#"false "Cannot serialise, excessive nesting (1001)""#,
    ),
    (
        r#"P(function() local t = {} t[1] = t return cjson.encode(t) end)"#,
        r#"false "user_script:27: Cannot serialise, excessive nesting (1001)""#,
        r#"false "Cannot serialise, excessive nesting (1001)""#,
    ),
    (
        r#"P(function() return cjson.decode("[1,") end)"#,
        r#"false "user_script:27: Expected value but found T_END at character 4""#,
        r#"false "Expected value but found T_END at character 4""#,
    ),
    (
        r#"P(function() return bit.tobit() end)"#,
        r#"false "user_script:27: bad argument #1 to 'tobit' (number expected, got no value)""#,
        r#"false "bad argument #1 to 'tobit' (number expected, got no value)""#,
    ),
    (
        r#"P(function() return struct.pack("q") end)"#,
        r#"false "user_script:27: bad argument #1 to 'pack' (invalid format option 'q')""#,
        r#"false "bad argument #1 to 'pack' (invalid format option 'q')""#,
    ),
];

/// (Lua expression, reply of redis-server 7.0.15)
const CASES: &[(&str, &str)] = &[
    (
        r#"S(cjson._NAME, cjson._VERSION, cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION, bit._NAME, struct._NAME, type(cjson.new))"#,
        r#""cjson" "2.1.0" "cmsgpack" "lua-cmsgpack 0.4.0" "Copyright (C) 2012, Salvatore Sanfilippo" "MessagePack C implementation for Lua" nil nil "function""#,
    ),
    (r#"S(cjson.encode({1,2,{a=1}}))"#, r#""[1,2,{"a":1}]""#),
    (
        r#"P(cjson.decode, "[1,")"#,
        r#"false "Expected value but found T_END at character 4""#,
    ),
    (
        r#"S(cjson.encode({}), cjson.encode(""), cjson.encode("a/b\"\\\n\r\t\b\f\1\127\255"), cjson.encode(0.1), cjson.encode(-0.0), cjson.encode(1e300), cjson.encode(123456789012345678), cjson.encode(1/3))"#,
        r#""{}" """" ""a\/b\"\\\n\r\t\b\f\u0001\u007f\xff"" "0.1" "-0" "1e+300" "1.2345678901235e+17" "0.33333333333333""#,
    ),
    (
        r#"S(cjson.encode(1e-300), cjson.encode(5e-324), cjson.encode(1e-17), cjson.encode(-1e-20), cjson.encode({1e-17, -0.0}), cjson.encode(100000000000000), cjson.encode(1e15), cjson.encode(0.0001), cjson.encode(0.00001), cjson.encode(-123.456))"#,
        r#""1e-300" "4.9406564584125e-324" "1e-17" "-1e-20" "[1e-17,-0]" "1e+14" "1e+15" "0.0001" "1e-05" "-123.456""#,
    ),
    (
        r#"S(cjson.encode(true), cjson.encode(false), cjson.encode(nil), cjson.encode("\0x"), cjson.encode("\226\130\172"))"#,
        r#""true" "false" "null" ""\u0000x"" ""\xe2\x82\xac"""#,
    ),
    (
        r#"P(cjson.encode, 1/0)"#,
        r#"false "Cannot serialise number: must not be NaN or Inf""#,
    ),
    (
        r#"P(cjson.encode, -1/0)"#,
        r#"false "Cannot serialise number: must not be NaN or Inf""#,
    ),
    (
        r#"P(cjson.encode, 0/0)"#,
        r#"false "Cannot serialise number: must not be NaN or Inf""#,
    ),
    (r#"P(cjson.encode, {[1]=1,[3]=3})"#, r#"true "[1,null,3]""#),
    (
        r#"P(cjson.encode, {[1]=1,[20]=3})"#,
        r#"false "Cannot serialise table: excessively sparse array""#,
    ),
    (
        r#"P(cjson.encode, {[1]=1,[11]=3})"#,
        r#"false "Cannot serialise table: excessively sparse array""#,
    ),
    (
        r#"P(cjson.encode, {[1]=1,[10]=3})"#,
        r#"true "[1,null,null,null,null,null,null,null,null,3]""#,
    ),
    (r#"P(cjson.encode, {[1]=1,a=3})"#, r#"true "{"1":1,"a":3}""#),
    (
        r#"P(cjson.encode, {[true]=1})"#,
        r#"false "Cannot serialise boolean: table key must be a number or string""#,
    ),
    (r#"P(cjson.encode, {[1.5]=1})"#, r#"true "{"1.5":1}""#),
    (r#"P(cjson.encode, {[-1]=1})"#, r#"true "{"-1":1}""#),
    (r#"P(cjson.encode, {[0]=1})"#, r#"true "{"0":1}""#),
    (
        r#"P(cjson.encode, {[2^40]=1})"#,
        r#"true "{"1099511627776":1}""#,
    ),
    (
        r#"P(cjson.encode, {[1/0]=1})"#,
        r#"false "Cannot serialise number: must not be NaN or Inf""#,
    ),
    (
        r#"P(cjson.encode, {a={b={c={}}}})"#,
        r#"true "{"a":{"b":{"c":{}}}}""#,
    ),
    (
        r#"P(cjson.encode, {{}, {{}}, {x={}}})"#,
        r#"true "[{},[{}],{"x":{}}]""#,
    ),
    (
        r#"P(cjson.encode, string.len)"#,
        r#"false "Cannot serialise function: type not supported""#,
    ),
    (
        r#"P(cjson.encode, {f=string.len})"#,
        r#"false "Cannot serialise function: type not supported""#,
    ),
    (
        r#"P(cjson.encode, coroutine.create(function() end))"#,
        r#"false "Cannot serialise thread: type not supported""#,
    ),
    (r#"P(cjson.encode, cjson.null)"#, r#"true "null""#),
    (
        r#"P(cjson.encode, {cjson.null, true, false})"#,
        r#"true "[null,true,false]""#,
    ),
    (
        r#"P(cjson.encode)"#,
        r#"false "bad argument #1 to '?' (expected 1 argument)""#,
    ),
    (
        r#"P(cjson.encode, 1, 2)"#,
        r#"false "bad argument #1 to '?' (expected 1 argument)""#,
    ),
    (
        r#"P(function() local t = {} t.a = t local r = cjson.encode(t) return r end)"#,
        r#"false "user_script:27: Cannot serialise, excessive nesting (1001)""#,
    ),
    (
        r#"P(function() local t = {} local c = t for i=1,999 do c[1] = {} c = c[1] end return #cjson.encode(t) end)"#,
        r#"true 2000"#,
    ),
    (
        r#"P(function() local t = {} local c = t for i=1,1000 do c[1] = {} c = c[1] end return #cjson.encode(t) end)"#,
        r#"false "user_script:27: Cannot serialise, excessive nesting (1001)""#,
    ),
    (
        r#"S(cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), cjson.encode_sparse_array(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers(), cjson.encode_keep_buffer())"#,
        r#"1000 1000 14 false false true true"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_invalid_numbers("null"), c.encode({1/0, -1/0, 0/0}), c.encode_invalid_numbers(true), c.encode({1/0,-1/0,0/0}), c.encode_invalid_numbers(), c.encode_sparse_array(true, 3), c.encode({[1]=1,[50]=2}), c.encode_number_precision(3), c.encode(math.pi), c.encode_max_depth(2), pcall(c.encode, {{{}}}), c.decode_max_depth(2), pcall(c.decode, "[[[1]]]"), pcall(c.decode, "{\"a\":{\"b\":{}}}") end))"#,
        r#"true "null" "[null,null,null]" true "[inf,-inf,nan]" true true "{"1":1,"50":2}" 3 "3.14" 2 false 2 false false "Found too many nested data structures (3) at character 11""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_sparse_array(false, 0), c.encode({[1]=1,[1000]=2}) end))"#,
        r#"true false "[1,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,2]""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_sparse_array("on", 2, 0), c.encode({[1]=1,[3]=2}), c.encode_sparse_array("off") end))"#,
        r#"true true "[1,null,2]" false 2 0"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_number_precision(1), c.encode({0.15, 12345, 1e-5}), c.encode_number_precision(14) end))"#,
        r#"true 1 "[0.1,1e+04,1e-05]" 14"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_invalid_numbers("on"), c.encode(-0/0), c.encode({[1/0]=1}) end))"#,
        r#"true true "nan" "{"inf":1}""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.decode_invalid_numbers(false), pcall(c.decode, "0x10"), pcall(c.decode, "[1, inf]"), pcall(c.decode, "NaN"), pcall(c.decode, "-012"), pcall(c.decode, "+1"), c.decode("-0.5e2") end))"#,
        r#"true false false false false false false -50"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_keep_buffer(false), c.encode_keep_buffer(), c.encode({1}) end))"#,
        r#"true false false "[1]""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.encode_max_depth(5) return cjson.encode_max_depth(), c.encode_max_depth() end))"#,
        r#"true 1000 5"#,
    ),
    (
        r#"S(pcall(cjson.encode_sparse_array, 1))"#,
        r#"false "bad argument #1 to '?' (invalid option '1')""#,
    ),
    (
        r#"S(pcall(cjson.encode_sparse_array, nil, -1))"#,
        r#"false "bad argument #1 to '?' (expected integer between 0 and 2147483647)""#,
    ),
    (
        r#"S(pcall(cjson.encode_sparse_array, nil, nil, "x"))"#,
        r#"false "bad argument #3 to '?' (number expected, got string)""#,
    ),
    (
        r#"S(pcall(cjson.encode_sparse_array, "on", 1, 2, 3))"#,
        r#"false "bad argument #4 to '?' (found too many arguments)""#,
    ),
    (
        r#"S(pcall(cjson.encode_sparse_array, {}))"#,
        r#"false "bad argument #1 to '?' (string expected, got table)""#,
    ),
    (
        r#"S(pcall(cjson.encode_number_precision, 15))"#,
        r#"false "bad argument #1 to '?' (expected integer between 1 and 14)""#,
    ),
    (
        r#"S(pcall(cjson.encode_number_precision, 0))"#,
        r#"false "bad argument #1 to '?' (expected integer between 1 and 14)""#,
    ),
    (
        r#"S(pcall(cjson.encode_number_precision, "5x"))"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_max_depth(2^32 + 7), c.encode_max_depth() end))"#,
        r#"true 7 7"#,
    ),
    (
        r#"S(pcall(cjson.encode_keep_buffer, "maybe"))"#,
        r#"false "bad argument #1 to '?' (invalid option 'maybe')""#,
    ),
    (
        r#"S(pcall(cjson.encode_invalid_numbers, "null", 1))"#,
        r#"false "bad argument #2 to '?' (found too many arguments)""#,
    ),
    (
        r#"S(pcall(cjson.decode, "\"\\ud800\""), pcall(cjson.decode, "\"\\udc00\""), cjson.decode("\"\\ud83d\\ude00\\u00e9\\u0000\""), pcall(cjson.decode, "\"\\x\""), pcall(cjson.decode, "\"abc"))"#,
        r#"false false "\xf0\x9f\x98\x80\xc3\xa9\x00" false false "Expected value but found unexpected end of string at character 5""#,
    ),
    (
        r#"P(cjson.decode, "\"\\ud800\"")"#,
        r#"false "Expected value but found invalid unicode escape code at character 2""#,
    ),
    (
        r#"P(cjson.decode, "\"\\ud800\\u0041\"")"#,
        r#"false "Expected value but found invalid unicode escape code at character 2""#,
    ),
    (
        r#"P(cjson.decode, "\"\\u12\"")"#,
        r#"false "Expected value but found invalid unicode escape code at character 2""#,
    ),
    (
        r#"P(cjson.decode, "\"\\x\"")"#,
        r#"false "Expected value but found invalid escape code at character 2""#,
    ),
    (
        r#"P(cjson.decode, "\"ab\\")"#,
        r#"false "Expected value but found invalid escape code at character 4""#,
    ),
    (
        r#"P(cjson.decode, "\"\\u00e9\\u20ac\\uFFFF\\/\\b\\f\\n\\r\\t\\\"\\\\\"")"#,
        r#"true "\xc3\xa9\xe2\x82\xac\xef\xbf\xbf/\x08\x0c\x0a\x0d\x09"\""#,
    ),
    (
        r#"P(cjson.decode, "\"raw \1 \255 bytes\"")"#,
        r#"true "raw \x01 \xff bytes""#,
    ),
    (
        r#"S(cjson.decode("[1e5, -0, 0x10, 1.5E-3, Infinity, -inf, nan, 012]"))"#,
        r#"{[1]=100000,[2]=-0,[3]=16,[4]=0.0015,[5]=inf,[6]=-inf,[7]=nan,[8]=12}"#,
    ),
    (
        r#"S(cjson.decode("[1.7976931348623157e308, 2e308, 4.9e-324, 1e-400, 0.1, 123456789012345678901234567890, -1.5e+3, 1E2, 0x1p4, 0X1F]"))"#,
        r#"{[10]=31,[1]=1.7976931348623157e+308,[2]=inf,[3]=4.9406564584124654e-324,[4]=0,[5]=0.10000000000000001,[6]=1.2345678901234568e+29,[7]=-1500,[8]=100,[9]=16}"#,
    ),
    (r#"P(cjson.decode, "[+1]")"#, r#"true {[1]=1}"#),
    (
        r#"P(cjson.decode, "[.5]")"#,
        r#"false "Expected value but found invalid token at character 2""#,
    ),
    (r#"P(cjson.decode, "[1.]")"#, r#"true {[1]=1}"#),
    (
        r#"P(cjson.decode, "[1e]")"#,
        r#"false "Expected comma or array end but found invalid token at character 3""#,
    ),
    (
        r#"P(cjson.decode, "[-]")"#,
        r#"false "Expected value but found invalid number at character 2""#,
    ),
    (
        r#"P(cjson.decode, "[- 1]")"#,
        r#"false "Expected value but found invalid number at character 2""#,
    ),
    (
        r#"P(cjson.decode, "[-inf, -Infinity, NAN, -nan, +inf, infinity]")"#,
        r#"true {[1]=-inf,[2]=-inf,[3]=nan,[4]=-nan,[5]=inf,[6]=inf}"#,
    ),
    (
        r#"P(cjson.decode, "tru")"#,
        r#"false "Expected value but found invalid token at character 1""#,
    ),
    (
        r#"P(cjson.decode, "nul")"#,
        r#"false "Expected value but found invalid token at character 1""#,
    ),
    (
        r#"P(cjson.decode, "True")"#,
        r#"false "Expected value but found invalid token at character 1""#,
    ),
    (
        r#"P(cjson.decode, "\0\1")"#,
        r#"false "JSON parser does not support UTF-16 or UTF-32""#,
    ),
    (
        r#"P(cjson.decode, "1\0")"#,
        r#"false "JSON parser does not support UTF-16 or UTF-32""#,
    ),
    (r#"P(cjson.decode, "[1]\0garbage")"#, r#"true {[1]=1}"#),
    (
        r#"P(cjson.decode, "")"#,
        r#"false "Expected value but found T_END at character 1""#,
    ),
    (
        r#"P(cjson.decode, "   ")"#,
        r#"false "Expected value but found T_END at character 4""#,
    ),
    (
        r#"P(cjson.decode, "[1] x")"#,
        r#"false "Expected the end but found invalid token at character 5""#,
    ),
    (
        r#"P(cjson.decode, "{1:2}")"#,
        r#"false "Expected object key string but found T_NUMBER at character 2""#,
    ),
    (
        r#"P(cjson.decode, "{\"a\" 1}")"#,
        r#"false "Expected colon but found T_NUMBER at character 6""#,
    ),
    (
        r#"P(cjson.decode, "{\"a\":1 2}")"#,
        r#"false "Expected comma or object end but found T_NUMBER at character 8""#,
    ),
    (
        r#"P(cjson.decode, "{\"a\":1,}")"#,
        r#"false "Expected object key string but found T_OBJ_END at character 8""#,
    ),
    (
        r#"P(cjson.decode, "[1 2]")"#,
        r#"false "Expected comma or array end but found T_NUMBER at character 4""#,
    ),
    (
        r#"P(cjson.decode, "[1,]")"#,
        r#"false "Expected value but found T_ARR_END at character 4""#,
    ),
    (
        r#"P(cjson.decode, "[")"#,
        r#"false "Expected value but found T_END at character 2""#,
    ),
    (
        r#"P(cjson.decode, "]")"#,
        r#"false "Expected value but found T_ARR_END at character 1""#,
    ),
    (
        r#"P(cjson.decode, "{")"#,
        r#"false "Expected object key string but found T_END at character 2""#,
    ),
    (
        r#"P(cjson.decode, "@")"#,
        r#"false "Expected value but found invalid token at character 1""#,
    ),
    (
        r#"P(cjson.decode, "\255")"#,
        r#"false "Expected value but found invalid token at character 1""#,
    ),
    (
        r#"P(cjson.decode, "[\"a\", \255]")"#,
        r#"false "Expected value but found invalid token at character 7""#,
    ),
    (
        r#"P(cjson.decode, "{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false,\"e\":\"x\"}")"#,
        r#"true {["a"]={[1]=1,[2]=2,[3]={["b"]=NULL}},["c"]=true,["d"]=false,["e"]="x"}"#,
    ),
    (
        r#"P(cjson.decode, " \t\r\n[ 1 , 2 ] \n")"#,
        r#"true {[1]=1,[2]=2}"#,
    ),
    (
        r#"P(cjson.decode, "[null, null]")"#,
        r#"true {[1]=NULL,[2]=NULL}"#,
    ),
    (
        r#"P(cjson.decode, "{\"a\":1,\"a\":2}")"#,
        r#"true {["a"]=2}"#,
    ),
    (r#"P(cjson.decode, 123)"#, r#"true 123"#),
    (r#"P(cjson.decode, 1.5)"#, r#"true 1.5"#),
    (
        r#"P(cjson.decode, {})"#,
        r#"false "bad argument #1 to '?' (string expected, got table)""#,
    ),
    (
        r#"P(cjson.decode, nil)"#,
        r#"false "bad argument #1 to '?' (string expected, got nil)""#,
    ),
    (
        r#"P(cjson.decode)"#,
        r#"false "bad argument #1 to '?' (expected 1 argument)""#,
    ),
    (
        r#"P(cjson.decode, "1", "2")"#,
        r#"false "bad argument #1 to '?' (expected 1 argument)""#,
    ),
    (
        r#"P(cjson.decode, string.rep("[", 1000) .. string.rep("]", 1000))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"P(cjson.decode, string.rep("[", 1001) .. string.rep("]", 1001))"#,
        r#"false "Found too many nested data structures (1001) at character 1001""#,
    ),
    (
        r#"P(cjson.decode, string.rep("{\"a\":", 1001))"#,
        r#"false "Found too many nested data structures (1001) at character 5001""#,
    ),
    (
        r#"P(cjson.decode, string.rep("[", 100000))"#,
        r#"false "Found too many nested data structures (1001) at character 1001""#,
    ),
    (
        r#"P(function() local x = cjson.decode("[1,") return x end)"#,
        r#"false "user_script:27: Expected value but found T_END at character 4""#,
    ),
    (
        r#"P(function() local x = cjson.encode({}, 1) return x end)"#,
        r#"false "user_script:27: bad argument #1 to 'encode' (expected 1 argument)""#,
    ),
    (
        r#"S(cjson.decode("[]"), cjson.decode("{}"), cjson.encode(cjson.decode("[]")), cjson.encode(cjson.decode("{}")))"#,
        r#"{} {} "{}" "{}""#,
    ),
    (
        r#"S(cjson.encode(cjson.decode("{\"k\":[1,2.5,\"s\",null,true]}")))"#,
        r#""{"k":[1,2.5,"s",null,true]}""#,
    ),
    (
        r#"S(cjson.null == cjson.decode("null"), type(cjson.null), cjson.encode({a=cjson.null}))"#,
        r#"true "userdata" "{"a":null}""#,
    ),
    (
        r#"S(H(cmsgpack.pack(("x"):rep(40))), H(cmsgpack.pack(2^63)), H(cmsgpack.pack(-2^63)), pcall(cmsgpack.unpack_limit, "\1", -1))"#,
        r#""d92878787878787878787878787878787878787878787878787878787878787878787878787878787878" "ca5f000000" "d38000000000000000" false "Invalid request to unpack with offset of 0 and limit of 1.""#,
    ),
    (
        r#"S(H(cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53)))"#,
        r#""00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000cf0020000000000000""#,
    ),
    (
        r#"S(H(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^53)))"#,
        r#""ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffffd3ffe0000000000000""#,
    ),
    (
        r#"S(H(cmsgpack.pack(0.5, 0.1, 1.5, -0.0, 1/0, -1/0, 0/0, 1e300, 1e-300, 2^63, 2^64, 3.4028234663852886e38)))"#,
        r#""ca3f000000cb3fb999999999999aca3fc0000000caff800000ca7f800000cbfff8000000000000cb7e37e43c8800759ccb01a56e1fc2f8f359ca5f000000ca5f800000ca7f7fffff""#,
    ),
    (
        r#"S(H(cmsgpack.pack("", "a", ("y"):rep(31), ("y"):rep(32), ("z"):rep(255))))"#,
        r#""a0a161bf79797979797979797979797979797979797979797979797979797979797979d9207979797979797979797979797979797979797979797979797979797979797979d9ff7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a""#,
    ),
    (
        r#"S(H(cmsgpack.pack(("z"):rep(256))):sub(1, 10), H(cmsgpack.pack(("z"):rep(65535))):sub(1, 10), H(cmsgpack.pack(("z"):rep(65536))):sub(1, 12))"#,
        r#""da01007a7a" "daffff7a7a" "db000100007a""#,
    ),
    (
        r#"S(H(cmsgpack.pack(nil, true, false, cmsgpack.pack, cjson.null)))"#,
        r#""c0c3c2c0c0""#,
    ),
    (
        r#"S(H(cmsgpack.pack({}, {1,2,3}, {a=1}, {[1]=1,[3]=3}, {[2]=2}, {1,2,nil,4}, {[1.5]=1}, {[-1]=1}, {[0]=1})))"#,
        r#""909301020381a1610182010103038102028301010202040481ca3fc000000181ff01810001""#,
    ),
    (
        r#"S(H(cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}, {[2^31]=1}, {[2^40]=1})))"#,
        r#""dc00100102030405060708090a0b0c0d0e0f1081ce800000000181cf000001000000000001""#,
    ),
    (
        r#"S(H(cmsgpack.pack({a={b={c={1}}}})))"#,
        r#""81a16181a16281a1639101""#,
    ),
    (
        r#"S(pcall(function() local t = {} local c = t for i=1,20 do c[1] = {} c = c[1] end c[1] = 5 return H(cmsgpack.pack(t)) end))"#,
        r#"true "91919191919191919191919191919191c0""#,
    ),
    (
        r#"S(pcall(function() local t = {} t[1] = t return H(cmsgpack.pack(t)) end))"#,
        r#"true "91919191919191919191919191919191c0""#,
    ),
    (
        r#"P(cmsgpack.pack)"#,
        r#"false "bad argument #0 to '?' (MessagePack pack needs input.)""#,
    ),
    (
        r#"S(cmsgpack.unpack(cmsgpack.pack(1, "two", {3}, {four=4}, true, false, 0.5, -7)))"#,
        r#"1 "two" {[1]=3} {["four"]=4} true false 0.5 -7"#,
    ),
    (
        r#"S(cmsgpack.unpack(cmsgpack.pack(nil, 1, nil)))"#,
        r#"nil 1 nil"#,
    ),
    (r#"S(cmsgpack.unpack(""))"#, r#""#),
    (r#"S(cmsgpack.unpack_one(""))"#, r#"-1"#),
    (
        r#"S(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3)))"#,
        r#"1 1"#,
    ),
    (
        r#"S(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1))"#,
        r#"2 2"#,
    ),
    (
        r#"S(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2))"#,
        r#"-1 3"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, cmsgpack.pack(1, 2, 3), 3))"#,
        r#"true -1"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, cmsgpack.pack(1, 2, 3), 4))"#,
        r#"false "Start offset 4 greater than input length 3.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, "\1", -1))"#,
        r#"false "Invalid request to unpack with offset of -1 and limit of 1.""#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2))"#,
        r#"2 1 2"#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5))"#,
        r#"-1 1 2 3"#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0))"#,
        r#"1 2 3"#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 0))"#,
        r#"1 2 3"#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1))"#,
        r#"1"#,
    ),
    (
        r#"S(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, 1))"#,
        r#"2 2"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_limit, "\1", -1, 0))"#,
        r#"false "Invalid request to unpack with offset of 0 and limit of 1.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_limit, "\1"))"#,
        r#"false "bad argument #2 to '?' (number expected, got no value)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_limit, "\1", "x"))"#,
        r#"false "bad argument #2 to '?' (number expected, got string)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\193"))"#,
        r#"false "Bad data format in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\146\1"))"#,
        r#"false "Missing bytes in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\205\1"))"#,
        r#"false "Missing bytes in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\218\0\5ab"))"#,
        r#"false "Missing bytes in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\221\255\255\255\255"))"#,
        r#"false "Missing bytes in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\130\192\1"))"#,
        r#"false "table index is nil""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\129\203\127\248\0\0\0\0\0\0\1"))"#,
        r#"false "table index is NaN""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack))"#,
        r#"false "bad argument #1 to '?' (string expected, got no value)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, {}))"#,
        r#"false "bad argument #1 to '?' (string expected, got table)""#,
    ),
    (r#"S(pcall(cmsgpack.unpack, 12))"#, r#"true 49 50"#),
    (
        r#"S(pcall(cmsgpack.unpack, "\196\3abc"))"#,
        r#"false "Bad data format in input.""#,
    ),
    (
        r#"S(cmsgpack.unpack("\204\255\205\255\255\206\255\255\255\255\207\255\255\255\255\255\255\255\255"))"#,
        r#"255 65535 4294967295 -1"#,
    ),
    (
        r#"S(cmsgpack.unpack("\208\128\209\128\0\210\128\0\0\0\211\128\0\0\0\0\0\0\0\224\255"))"#,
        r#"-128 -32768 -2147483648 -9.2233720368547758e+18 -32 -1"#,
    ),
    (
        r#"S(cmsgpack.unpack("\202\63\192\0\0\203\63\248\0\0\0\0\0\0"))"#,
        r#"1.5 1.5"#,
    ),
    (
        r#"S(cmsgpack.unpack("\220\0\2\1\2\222\0\1\161a\1\147\192\1\192"))"#,
        r#"{[1]=1,[2]=2} {["a"]=1} {[2]=1}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\199\1"))"#,
        r#"false "Bad data format in input.""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\1", 9000)))"#,
        r#"false "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""#,
    ),
    (
        r##"S(select("#", cmsgpack.unpack(string.rep("\1", 7990))))"##,
        r#"7990"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 9000)))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 3000) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(bit.tobit(1), bit.tobit(2^32), bit.tobit(2^31), bit.tobit(-1), bit.tobit(0xffffffff), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit(2^52), bit.tobit(2^53+3), bit.tobit(1e20), bit.tobit(1/0), bit.tobit(0/0), bit.tobit("12"), bit.tobit("0x10"))"#,
        r#"1 0 -2147483648 -1 -1 2 2 -2 0 2 2025163840 0 0 12 16"#,
    ),
    (
        r#"S(bit.tohex(1), bit.tohex(-1), bit.tohex(0x12345678, 4), bit.tohex(255, -2), bit.tohex(255, 0), bit.tohex(1, 20), bit.tohex(-1, -2147483648), bit.tohex(0xabcdef, -8), bit.tohex(1, 2^32+3))"#,
        r#""00000001" "ffffffff" "5678" "FF" "" "00000001" "FFFFFFFF" "00ABCDEF" "001""#,
    ),
    (
        r#"S(bit.bnot(0), bit.bnot(-1), bit.bnot(0x0f0f0f0f), bit.bswap(0x12345678), bit.bswap(-1), bit.bswap(1))"#,
        r#"-1 0 -252645136 2018915346 -1 16777216"#,
    ),
    (
        r#"S(bit.band(0xff, 0x0f), bit.band(-1, 7, 5), bit.bor(1, 2, 4, 8), bit.bxor(0xff, 0x0f), bit.bxor(1), bit.band(2^33 + 5, 3), bit.bor(0x80000000))"#,
        r#"15 5 15 240 1 1 -2147483648"#,
    ),
    (
        r#"S(bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(3, -1), bit.rshift(-1, 1), bit.rshift(-1, 31), bit.arshift(-256, 4), bit.arshift(256, 4), bit.arshift(-1, 31))"#,
        r#"1 -2147483648 1 2 -2147483648 2147483647 1 -16 16 -1"#,
    ),
    (
        r#"S(bit.rol(0x12345678, 4), bit.ror(0x12345678, 4), bit.rol(1, 32), bit.ror(1, 1), bit.rol(-1, 7), bit.ror(0x80000000, 31))"#,
        r#"591751041 -2128394905 1 -2147483648 -1 1"#,
    ),
    (
        r#"P(bit.tobit)"#,
        r#"false "bad argument #1 to '?' (number expected, got no value)""#,
    ),
    (
        r#"P(bit.tobit, "x")"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(bit.tobit, {})"#,
        r#"false "bad argument #1 to '?' (number expected, got table)""#,
    ),
    (
        r#"P(bit.band, 1, "x")"#,
        r#"false "bad argument #2 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(bit.bor)"#,
        r#"false "bad argument #1 to '?' (number expected, got no value)""#,
    ),
    (
        r#"P(bit.lshift, 1)"#,
        r#"false "bad argument #2 to '?' (number expected, got no value)""#,
    ),
    (
        r#"P(bit.tohex, 1, {})"#,
        r#"false "bad argument #2 to '?' (number expected, got table)""#,
    ),
    (
        r#"P(bit.bnot, nil)"#,
        r#"false "bad argument #1 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(function() local x = bit.tobit() return x end)"#,
        r#"false "user_script:27: bad argument #1 to 'tobit' (number expected, got no value)""#,
    ),
    (
        r#"P(function() local x = bit.band(1, 2, {}) return x end)"#,
        r#"false "user_script:27: bad argument #3 to 'band' (number expected, got table)""#,
    ),
    (
        r#"P(function() local b = bit local x = b.bxor(1, nil) return x end)"#,
        r#"false "user_script:27: bad argument #2 to 'bxor' (number expected, got nil)""#,
    ),
    (
        r#"S(H(struct.pack(">i", 1)), H(struct.pack("<i", 1)), H(struct.pack("i", -2)), H(struct.pack(">h", -2)), H(struct.pack(">H", 65535)), H(struct.pack(">b", -1)), H(struct.pack("B", 255)), H(struct.pack(">l", 1)), H(struct.pack(">T", 5)))"#,
        r#""00000001" "01000000" "feffffff" "fffe" "ffff" "ff" "ff" "0000000000000001" "0000000000000005""#,
    ),
    (
        r#"S(H(struct.pack(">i3", 0x123456)), H(struct.pack("<i1", 300)), H(struct.pack(">I16", -1)), H(struct.pack(">i12", 1)), H(struct.pack("<I9", 2^63)), H(struct.pack(">i0", 5)))"#,
        r#""123456" "2c" "0000000000000000ffffffffffffffff" "000000000000000000000001" "000000000000008000" """#,
    ),
    (
        r#"S(H(struct.pack(">f", 1.5)), H(struct.pack("<d", -0.0)), H(struct.pack(">d", 1e-300)), H(struct.pack("f", 1/0)), H(struct.pack(">f", 0.1)), H(struct.pack(">d", 0/0)))"#,
        r#""3fc00000" "0000000000000080" "01a56e1fc2f8f359" "000080ff" "3dcccccd" "fff8000000000000""#,
    ),
    (
        r#"S(H(struct.pack("s", "abc")), H(struct.pack("c", "abc")), H(struct.pack("c3", "abc")), H(struct.pack("c0", "hello")), H(struct.pack("c2s", "xyz", "q")))"#,
        r#""61626300" "61" "616263" "68656c6c6f" "78797100""#,
    ),
    (
        r#"P(struct.pack, "z", 1)"#,
        r#"false "bad argument #1 to '?' (invalid format option 'z')""#,
    ),
    (
        r#"S(H(struct.pack("!4bi", 1, 2)), H(struct.pack("!8bd", 1, 2)), H(struct.pack("!bh", 1, 2)), H(struct.pack("!2bi", 1, 2)), H(struct.pack("b!4xi", 1, 2)), H(struct.pack("bxxh", 1, 2)), H(struct.pack(" > i <i", 1, 1)))"#,
        r#""0100000002000000" "01000000000000000000000000000040" "01000200" "010002000000" "0100000002000000" "0100000200" "0000000101000000""#,
    ),
    (
        r#"S(H(struct.pack(">L", 2^64)), H(struct.pack(">L", 1e30)), H(struct.pack(">l", -1e30)), H(struct.pack(">L", -1)), H(struct.pack(">L", 0/0)), H(struct.pack(">I", "0x10")), H(struct.pack(">i", 2.9)), H(struct.pack(">i", -2.9)))"#,
        r#""0000000000000000" "0000000000000000" "8000000000000000" "ffffffffffffffff" "8000000000000000" "00000010" "00000002" "fffffffe""#,
    ),
    (
        r#"P(struct.pack, "i")"#,
        r#"false "bad argument #2 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(struct.pack, "i", "x")"#,
        r#"false "bad argument #2 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(struct.pack, "q", 1)"#,
        r#"false "bad argument #1 to '?' (invalid format option 'q')""#,
    ),
    (
        r#"P(struct.pack, "i33", 1)"#,
        r#"false "integral size 33 is larger than limit of 32""#,
    ),
    (
        r#"P(struct.pack, "i99999999999", 1)"#,
        r#"false "integral size overflow""#,
    ),
    (
        r#"P(struct.pack, "!3i", 1)"#,
        r#"false "alignment 3 is not a power of 2""#,
    ),
    (
        r#"P(struct.pack, "!0i", 1)"#,
        r#"false "alignment 0 is not a power of 2""#,
    ),
    (
        r#"P(struct.pack, "c5", "abc")"#,
        r#"false "bad argument #3 to '?' (string too short)""#,
    ),
    (
        r#"P(struct.pack, "bc5", 1, "abc")"#,
        r#"false "bad argument #4 to '?' (string too short)""#,
    ),
    (r#"P(struct.pack, "s", 12)"#, r#"true "12\x00""#),
    (
        r#"P(struct.pack, "s", {})"#,
        r#"false "bad argument #2 to '?' (string expected, got table)""#,
    ),
    (
        r#"P(struct.pack)"#,
        r#"false "bad argument #1 to '?' (string expected, got no value)""#,
    ),
    (
        r#"P(struct.pack, "c2000000000", "x")"#,
        r#"false "bad argument #3 to '?' (string too short)""#,
    ),
    (r#"P(struct.pack, "i\0q", 1)"#, r#"true "\x01\x00\x00\x00""#),
    (
        r#"S(struct.unpack(">i", struct.pack(">i", -5)))"#,
        r#"-5 5"#,
    ),
    (
        r#"S(struct.unpack("<i<I>h>H", struct.pack("<i<I>h>H", -1, 4000000000, -2, 65000)))"#,
        r#"-1 4000000000 -2 65000 13"#,
    ),
    (
        r#"S(struct.unpack("bBhHlLTiI", struct.pack("bBhHlLTiI", -1, 255, -300, 60000, -2^40, 2^40, 12, -7, 7)))"#,
        r#"-1 255 -300 60000 -1099511627776 1099511627776 12 -7 7 39"#,
    ),
    (
        r#"S(struct.unpack(">i3I3i1", "\255\255\254\0\0\1\128"))"#,
        r#"-2 1 -128 8"#,
    ),
    (
        r#"S(struct.unpack("<I16", string.rep("\255", 16)))"#,
        r#"1.8446744073709552e+19 17"#,
    ),
    (
        r#"S(struct.unpack("<i16", string.rep("\255", 16)))"#,
        r#"-1 17"#,
    ),
    (
        r#"S(struct.unpack("<i9", string.rep("\255", 8) .. "\1"))"#,
        r#"-1 10"#,
    ),
    (r#"S(struct.unpack(">i0b", "\5"))"#, r#"0 5 2"#),
    (
        r#"S(struct.unpack("fd", struct.pack("fd", 1.5, 0.1)))"#,
        r#"1.5 0.10000000000000001 13"#,
    ),
    (
        r#"S(pcall(struct.unpack, "sc3c0s", "ab\0xyz\0"))"#,
        r#"false "format 'c0' needs a previous size""#,
    ),
    (r#"S(struct.unpack("sc3", "ab\0xyz"))"#, r#""ab" "xyz" 7"#),
    (r#"S(struct.unpack("Bc0s", "\2xyab\0"))"#, r#""xy" "ab" 7"#),
    (r#"S(struct.unpack("bc0", "\3abc"))"#, r#""abc" 5"#),
    (r#"S(struct.unpack("c2xc", "abcd"))"#, r#""ab" "d" 5"#),
    (
        r#"S(struct.unpack("i", struct.pack("ii", 1, 2), 5))"#,
        r#"2 9"#,
    ),
    (
        r#"S(struct.unpack("!4bi", struct.pack("!4bi", 7, 9)))"#,
        r#"7 9 9"#,
    ),
    (r#"S(struct.unpack("b", "\1\2\3", 3))"#, r#"3 4"#),
    (
        r#"P(struct.unpack, "b", "\1\2\3", 4)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1\2\3", 0)"#,
        r#"false "bad argument #3 to '?' (offset must be 1 or greater)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1\2\3", -1)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "i", "abc")"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "s", "abc")"#,
        r#"false "unfinished string in data""#,
    ),
    (
        r#"P(struct.unpack, "c0", "abc")"#,
        r#"false "format 'c0' needs a previous size""#,
    ),
    (
        r#"P(struct.unpack, "bc0", "\9abc")"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "bc0", "\255abc")"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "q", "abc")"#,
        r#"false "bad argument #1 to '?' (invalid format option 'q')""#,
    ),
    (r#"P(struct.unpack, "i", 1234)"#, r#"true 875770417 5"#),
    (
        r#"P(struct.unpack, {}, "x")"#,
        r#"false "bad argument #1 to '?' (string expected, got table)""#,
    ),
    (
        r#"P(struct.unpack, "b")"#,
        r#"false "bad argument #2 to '?' (string expected, got no value)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1", "x")"#,
        r#"false "bad argument #3 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(struct.unpack, string.rep("b", 9000), string.rep("\1", 9000))"#,
        r#"false "stack overflow (too many results)""#,
    ),
    (
        r##"S(select("#", struct.unpack(string.rep("b", 7990), string.rep("\1", 7990))))"##,
        r#"7991"#,
    ),
    (
        r#"S(struct.size("!4i"), struct.size("!8bd"), struct.size("bd"), struct.size("!bh"), struct.size("q"), struct.size("i8i"), struct.size("bi"), struct.size("!bi"), struct.size(">!2bi"), struct.size("c10x"), struct.size(""), struct.size("i32"))"#,
        r#"4 16 9 4 0 12 5 8 6 11 0 32"#,
    ),
    (
        r#"P(struct.size, "s")"#,
        r#"false "bad argument #1 to '?' (option 's' has no fixed size)""#,
    ),
    (
        r#"P(struct.size, "c0")"#,
        r#"false "bad argument #1 to '?' (option 'c0' has no fixed size)""#,
    ),
    (
        r#"P(struct.size, "bc0")"#,
        r#"false "bad argument #1 to '?' (option 'c0' has no fixed size)""#,
    ),
    (
        r#"P(struct.size, "!3")"#,
        r#"false "alignment 3 is not a power of 2""#,
    ),
    (
        r#"P(struct.size, "i40")"#,
        r#"false "integral size 40 is larger than limit of 32""#,
    ),
    (
        r#"P(struct.size)"#,
        r#"false "bad argument #1 to '?' (string expected, got no value)""#,
    ),
    (
        r#"P(function() local x = struct.pack("q") return x end)"#,
        r#"false "user_script:27: bad argument #1 to 'pack' (invalid format option 'q')""#,
    ),
    (
        r#"P(function() local x = struct.pack("i33") return x end)"#,
        r#"false "user_script:27: integral size 33 is larger than limit of 32""#,
    ),
    (
        r#"P(function() local x = struct.unpack("s", "a") return x end)"#,
        r#"false "user_script:27: unfinished string in data""#,
    ),
    (
        r#"P(function() local x = cmsgpack.unpack("\193") return x end)"#,
        r#"false "user_script:27: Bad data format in input.""#,
    ),
    (
        r#"P(function() local x = cmsgpack.pack() return x end)"#,
        r#"false "user_script:27: bad argument #0 to 'pack' (MessagePack pack needs input.)""#,
    ),
    (
        r#"P(function() local x = cjson.encode({[true]=1}) return x end)"#,
        r#"false "user_script:27: Cannot serialise boolean: table key must be a number or string""#,
    ),
    (
        r#"P(function() local s = struct local x = s:pack(1) return x end)"#,
        r#"false "user_script:27: calling 'pack' on bad self (string expected, got table)""#,
    ),
    (
        r#"S(cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), cjson.encode_sparse_array(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers(), cjson.encode_keep_buffer())"#,
        r#"1000 1000 14 false false true true"#,
    ),
    (
        r#"P(struct.pack, "ic", 1)"#,
        r#"false "bad argument #3 to '?' (string expected, got nil)""#,
    ),
    (
        r#"P(struct.pack, "iic", 1)"#,
        r#"false "bad argument #3 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1", 0)"#,
        r#"false "bad argument #3 to '?' (offset must be 1 or greater)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1", -5)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1", 2)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "b", "\1", 2^53)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.size, "ss")"#,
        r#"false "bad argument #1 to '?' (option 's' has no fixed size)""#,
    ),
    (r#"P(struct.size, "c")"#, r#"true 1"#),
    (
        r#"P(struct.size, "c0x")"#,
        r#"false "bad argument #1 to '?' (option 'c0' has no fixed size)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 9000)))"#,
        r#"false "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 3000) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 7997) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 7998) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 7999) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r##"S(pcall(function() return select("#", cmsgpack.unpack(string.rep("\1", 7998))) end))"##,
        r#"true 7998"#,
    ),
    (
        r##"S(pcall(function() return select("#", cmsgpack.unpack(string.rep("\1", 7999))) end))"##,
        r#"true 7999"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\1", 8000)))"#,
        r#"false "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""#,
    ),
    (
        r##"S(pcall(function() return select("#", cmsgpack.unpack_limit(string.rep("\1", 8000), 7998)) end))"##,
        r#"true 7999"#,
    ),
    (
        r##"S(pcall(function() return select("#", cmsgpack.unpack_limit(string.rep("\1", 8000), 7999)) end))"##,
        r#"false "user_script:27: stack overflow (in function mp_unpack_full)""#,
    ),
    (
        r##"S(pcall(function() return select("#", struct.unpack(string.rep("b", 7997), string.rep("\1", 8000))) end))"##,
        r#"true 7998"#,
    ),
    (
        r##"S(pcall(function() return select("#", struct.unpack(string.rep("b", 7998), string.rep("\1", 8000))) end))"##,
        r#"false "user_script:27: stack overflow (too many results)""#,
    ),
    (
        r##"S(pcall(function() return select("#", struct.unpack(string.rep("b", 7998), string.rep("\1", 8000), 1)) end))"##,
        r#"false "user_script:27: stack overflow (too many results)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 3997) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 3998) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 3999) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 2665) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 2666) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 3998) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\129\1", 3999) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, string.rep("\145", 3998) .. "\1"))"#,
        r#"true -1 {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return pcall(c.decode, string.rep("[", 10000)) end))"#,
        r#"true false "Found too many nested data structures (7999) at character 7999""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return pcall(c.decode, string.rep("{\"a\":", 10000)) end))"#,
        r#"true false "Found too many nested data structures (4000) at character 19996""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return #cjson.encode(c.decode(string.rep("[", 7998) .. string.rep("]", 7998))) end))"#,
        r#"false "user_script:27: Cannot serialise, excessive nesting (1001)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return #cjson.encode(c.decode(string.rep("[", 7999) .. string.rep("]", 7999))) end))"#,
        r#"false "user_script:27: Found too many nested data structures (7999) at character 7999""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) local t = c.decode(string.rep("[", 7998) .. string.rep("]", 7998)) c.encode_max_depth(100000) return pcall(c.encode, t) end))"#,
        r#"true false "Cannot serialise, excessive nesting (7998)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.encode_max_depth(100000) local t = {} t[1] = t return pcall(c.encode, t) end))"#,
        r#"true false "Cannot serialise, excessive nesting (7998)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.encode_max_depth(100000) local t = {} t.a = t return pcall(c.encode, t) end))"#,
        r#"true false "Cannot serialise, excessive nesting (4000)""#,
    ),
    (
        r#"S(pcall(function() local s, out = 12345, {} local function r() s = (s * 1103515245 + 12345) % 2147483648 return s end for i = 1, 300 do local m = r() / 2147483648 local e = (r() % 80) - 40 local x = m * 10^e if r() % 2 == 0 then x = -x end if i % 7 == 0 then x = math.floor(x * 1000) end out[i] = x end return cjson.encode(out) end))"#,
        r#"true "[-65515404.846519,-9.9588108062744e-25,-17269802.093506,-8.2753455638885e+23,-7.9389607906342e-41,-2.3376202583313e-41,-1,-4.7038748860359e-09,-2.7931725978851e-25,-87076461.315155,-8.1970822811127e-41,-3.1787043809891e-25,-9.7297430038452e+23,-2.2530126571655e+26,-8.1893670558929e-25,-84657180.309296,-5.8924713730812e-09,-3.9959108829498e-09,-3.8227093219757e-41,-9.4410002231598e-09,-1,-5.4931640625e-19,-4.1779613494873e-25,-4.7937428951263e-41,-6.1331355571747e+23,-5.5407467111945e-41,-66366183.757782,-9.5422303676605e+26,-9.0626168251038e-09,-6.3981940969825e-09,-80467534.065247,-7.9273056983948e+23,-19029736.51886,-8.623811006546e-41,-8.6228013038635e+25,-2.4323561787605e-25,-3.0976295471191e-09,-8.0465319752693e+23,-89496374130249,-82625472.545624,-5.9154367446899e-09,-5.6939125061035e+32,-6.4700269699097e-25,-48811292.648315,-6.8218946456909e-25,-2.1298491954803e-09,-32075715.065002,-3.7638974189758e+23,-11874032021,-7.0059502124786e-41,-8.0001795291901e-09,-4.7867405414581e-41,-34483528.137207,-39008426.66626,-1.2172931432724e-41,-7.1038997173309e+26,-2.1865594387054e-25,-31352114.677429,-3.5584557056427e-41,-2.4953654408455e+23,-2.5353860855103e-25,-81896448.135376,-1,-6.8353509902954e-09,-76942303.776741,-4.9372893571854e+23,-6.9846725463867e+23,-3.4567832946777e-41,-5.9049224853516e+23,-1,-8.8537979125977e-09,-4.0340998768806e-25,-9.7572553157806e-09,-37812077.999115,-2.9483914375305e-25,-9.9089455604553e+23,-66930699349,-7.8324723243713e-41,-5.5975079536438e-41,-7.4518930912018e+23,-2.8812325000763e+23,-9.5122110843658e-25,-2.0191395282745e-09,-1,-3.2318925857544e+23,-6.9721651077271e+23,-8.2974293828011e-25,-22548568.248749,-2.4474820494652e-09,-4.946129322052e-41,-62515795231,-4190459.8474503,-49860906.600952,-1.1519384384155e-25,-6.3949334621429e-41,-11732375.621796,-7.7561783790588e+23,-1,-2.3461127281189e+23,-9.2882871627808e+23,-9.7127866744995e-41,-6.8596982955933e-25,-70132017.13562,-2.6098203659058e-41,-8.5334676504135e+26,-4.3337345123291e-35,-8.0369758605957e+23,-7.9275894165039e-09,-98278617.858887,-13357543.945312,-6.6724574565887e-09,-1,-1.1945557594299e-41,-4.0351867675781e-41,-9.2482951283455e-25,-9.8156583309174e+23,-3.799295425415e-09,-5.7161688804626e-10,-1,-2.6310789585114e-25,-59054428.339005,-7.9222917556763e-26,-9.1890454292297e-26,-2.8349432349205e-25,-4.8397877812386e-09,-1,-1.3191938400269e-18,-6.9726064801216e-09,-2.1665012836456e-41,-7.7395489811897e-09,-3.1245601177216e-09,-4.2698419094086e-25,-89985877276,-93708169.460297,-6284609.4369888,-7.8302645683289e-09,-3.0055212974548e-09,-64810192.584991,-4.735723733902e+23,-3167259694,-7.5688886642456e-09,-4.7907209396362e-25,-3.1592833995819e-25,-4.8418653011322e-09,-9.6284472942352e-09,-4.3054521083832e+23,-1,-1.2439382076263e-25,-2.9211592674255e+23,-84125402.569771,-1.4273276925087e+23,-70770084857941,-8.9793491363525e-41,-3.7863385677338e+26,-20606541.633606,-4.7616398334503e-25,-6.9850790500641e-41,-3.1726944446564e+23,-5.9972921013832e-25,-3.1355381011963e-10,-1,-7.4130237102509e-09,-9.4075337052345e-25,-3.7671154364944e-25,-3.7051823735237e-41,-78940856.456757,-8.4035721048713e+23,-2.5758624076843e+33,-7.0341467857361e-26,-9.7663360834122e-41,-4.1842198371887e-09,-7.7931049466133e-25,-3.0644190311432e-41,-3.1328403949738e+23,-1,-2.6050090789795e-34,-8.4611940383911e-41,-5.6692117452621e-09,-6.3298153877258e-09,-8.1185558438301e-09,-7.894983291626e-09,-1,-21842944.62204,-9.0289616584778e+23,-7.4257493019104e-41,-99790406.227112,-1.6654324531555e-09,-3.492383658886e-09,-1,-6.2932252883911e-25,-4.3936967849731e+23,-2.5712251663208e-41,-3.2897996902466e-41,-8.2796466350555e+23,-9.4407796859741e+29,-1,-1.7289590835571e-09,-4.8102796077728e-09,-9.2478704452515e-09,-1.2356042861938e+23,-8.8333737850189e+23,-2.9117953777313e+23,-70680177212,-34507074.952126,-6.2640643119812e-41,-8.9373373985291e-41,-52118754.386902,-6.3682293891907e-41,-1.3605523109436e+23,-9.1662514209747e+26,-7.491260766983e-41,-5.803427696228e+23,-8.8681697845459e-10,-3.6423242092133e-25,-9.2460083961487e-09,-8.4847700595856e-41,-1,-3.2095956802368e-41,-3.5809564590454e-25,-1.1488199234009e-41,-8.8675919175148e-25,-7.7211213111877e-09,-88414120.674133,-1,-7.9154932498932e-09,-36772739.887238,-73554861.545563,-21695053.577423,-2.2383642196655e-41,-71751952.171326,-1,-72909903.526306,-6.832435131073e-09,1.1323690414429e-18,-4.9226224422455e-41,-2.2983479499817e-09,-2.7571201324463e-25,-1,-39769688.248634,-22351386.770606,-50024724.006653,-1.7561936378479e-09,-5.9531128406525e-09,-2.729583978653e+23,-8.8362896442413e+26,-9.3659591674805e-09,-10321617.126465,-9.1635885834694e+23,-5847275.2571106,-3.2060768827796e-41,-5.8375027775764e+23,-6.9104853272438e+26,-46713522.076607,-5.8738532289863e+23,-7.2731363773346e-09,-3.4322887659073e-09,-5.6727030873299e-41,-6.5397489070892e-41,-1,-1.2153124809265e-09,-47249989.211559,-0.0068235397338867,-8.4673762321472e-26,-7.3706269264221e-09,-6.8081784248352e+23,-7.358515560627e+26,-11089420.318604,-2.7190291881561e-41,-2.9743367061019e-09,-19981205.463409,-8.4345102310181e-09,-3.9779901504517e-09,-14494180680,-4.6335577964783e+22,-25146460.533142,-3.9156794548035e-09,-2.0632719993591e-09,-6.5391790866852e-41,-8.5645341873169e-25,-4284662009,-9.3506371974945e-25,-3.2649886608124e-41,-7.730501294136e+23,-6.4476346969604e+23,-4.5059859752655e-41,-1.9659399986267e-34,-57917487622,-2.8610646724701e+23,-3808775.5441666,-7.5797989964485e-09,-61235225.200653,-1.1445369943976e+23,-1.1659169197083e-41,-1,-6.6076147556305e-41,-7.5009495019913e+22,-7.555627822876e-42,-8.5083618760109e-09,-8.9410711824894e+23,-2.5092124938965e+23]""#,
    ),
    (
        r#"S(pcall(function() local s, out = 777, {} local function r() s = (s * 1103515245 + 12345) % 2147483648 return s end for i = 1, 300 do local m = r() / 2147483648 local e = (r() % 600) - 300 local x = m * 10^e if r() % 2 == 0 then x = -x end if i % 5 == 0 then x = math.floor(r() / (i % 13 + 1)) end out[i] = x end return H(cmsgpack.pack(out)) .. H(struct.pack(string.rep("d", 300), unpack(out))) .. H(struct.pack(string.rep("f", 300), unpack(out))) end))"#,
        r#"true "dc012ccb9c1af7c836faaa75cb958bcde77687e914cb9731417aa69571f5cb869a6940a451b33dce0a1589d5cb8d378ea2e2988a20cbf0d94ad8e053c499cb8b80a4f831f34abfcbb81961ce73002793ce0239612ecbf402735b974796b2cb88475cd4f187a618cbdb48ec79ee68f2edcbacb0de189c0d37ffce13158f55cbf922c109b02e8e39cbfad260a7e74e7f6fcb93c481a562df0bffcbe1f4e90402fb9851ce0f6cf5c0cbb01399272eef5bf6cbc5bd582dbdf5fe7fcbc8d238b89d5b7d42cb9c34bde86373579ece06a71027cbab2a66bc7f3af78fcb8d38965dedcba815cbf5d631aa2dbfde8ecbcc325ab64540869cce0cb80e73cbdb3344aaf78b53b3cb83433e631699ada8cba470ddce71e27a56cbb6b8db5458cad4b5ce04845533cbf43c1c002ac5f6cccba2c986d7361ccec6cbd9a48f684ca5cfc3cbebdba32f2ac411bace3aba0920cbea38832124b25467cbce09b3ad1c2455b9cb953699bcea9035eacbacacaa19ecef2697ce0e16d649cbc761222a88f460b0cb98d1e1d93eebf98ecbae7dd51633d471f2cb81a17221267da100ce07f5415acb883473bb32db3072cbd302b78663e00ab0cba474dffb458c37a6cbd151568405dddeb6ce06233c90cbcf625eaf6c7970decbebc418ed305f6d35cbcd937dcf40416d50cb8e942da2b4c1df15ce0de76a23cbfae2e315d2b89d28cbfc5aaab6d179c901cbef3fe29d871908c2cbc24bfc516a43bd44ce5281f540cb8334bc7da77f1938cb9dd7b9ece11240fbcb89e24a82f2f0f7b4cbfc89988965cb410cce153cda55cba2c90e63c05a3f04cbf792e3ea7e18f7c1cb89bb5c87af445b65cbd2f68f91fc8bf915ce0b1310d1cba7d1dc9827925d74cba1217ffc31a0f8a2cbe88abed29e648e2bcbb51d4b456f73f8ccce0d509400cb9f5d8842ba727420cbbf173b21cac08313cba982ae973f2a4a15cbe89eba0db8f93062ce06d9b120cbe6f34214a2860323cb9c2c5869734775d6cbef16371267527fcecb9c31d0318af1b446ce01b39be2cb9084523cbe1a41dccbf5e12d4408049753cbe39dd4d5dbfd0d4dcbc0bc3cba81200000ce091c8f40cbb1b214d5dbe9f8b7cbb6b932439938d257cbf4268410f27e4821cb0b8d7404d382516bce035ebab3cba48609b7793c08facbdce945c024097ce5cba2d0fb3d2a1bff03cb9734d57cdb4aca2dce17ae7820cb8d1220505d011bcdcbd63794ecaf0ba9efcbab1065590a273883cbd30500690032b679ce0042186dcbd4b228ac1287d279cb89e66b3468c02584cb86a184dcd67a85cacbe3827ee4c0507fdace02f77955cb98c389652d054fe8cb956a11538232d75dcbd7e36640b548b03bcb9a6d8eb2c879b754ce120df29ecb98dbefc5b06fbcefcbdea81711690f3b5acbf0d5d1defd504732cba96e1002480c0627ce045045aacbc3f0b33f77ea7c68cbbba9edca38172118cbd14cd3137a4425d3cbacc8cee3ea97e24ece16d61840cbc5bdcc9a9c68c485cbea489fa6b630a036cb98e321bc191e7bdbcbea312ab522fc8d7bce05bb5440cb9db68f37a759418bcbef19f68f40a7e1fecb9f854bab939acf49cbd4780e883ae8cd38ce06a2872ecbd3039d560a435135cbacc9c2000288bf84cb93dce92345e912bfcbc5b52e4760b51221ce04f626aacbcdd986d7340ce0dccbab29ff92c1c068fecbae529e5c63773b6ecbc9109d049cf768a0ce0b41c080cbb50fd6e52ab1a2eacbf9290fb7623c4beccbd9942de18e9a17c4cba9192f4cc19e4e1dce01c4a213cbf2896656bfac601ccbb5131bef99e64b85cb8654f0bed479cfc2cbe38357393ef85b58ce1734acd9cbf5e1e10d04e99217cbd1500bce668f129bcbfae0b6e6f1729924cbd7dd1072890542c6ce03f18e99cbf7800c6bbac25113cbea2bcfb91c7dba87cbfac6dcab9186d6d4cb90920b5b9bbb6355ce1c6f5980cbcf6293922c259597cbcc3068be8ed5891ecb9a86bbe155de8805cbf291a4f3b1aac04fce0a7a5feccbd2cf18db78648b7dcba2a9071f29cfdeeecbcdea3d064c3d3e06cba5fcfb8d3d7a0212ce005e82c0cbcab8d64e7f7fbd62cb958c8ebd760d8854cbc8e3830653beda70cbde962d630cc323fcce17242310cb86895c0b68df10a9cbd64d12f8f133a04fcba97f9fca307ca84ecba46bfba64f26dc84ce0d90431ccbef3313ee76234932cbb66242758e33702fcbce07cfc5bd06cb4ecbdb5337a882f21bbace106d5b00cbf5d4712c2722346bcb922aacf49e67d487cbef3042fd3a0e5f05cb8846b92f22b47021ce01773cc0cb907bcd02d71c9fb0cbb8488994141ccff7cbcdf73302e8e4a951cbd62e5c3505948e93ce00bf9e00cbc91065563845ba68cb98cb2774871c3031cbd9aac9811734f3d3cbe050c552396b4685ce11167800cb9c2de837686b11b5cbdcffab92fea83f91cbfc82922f11c83c55cbed9385cb8382de56ce01ffbac8cbd98a56ea92c14176cbe54db9b603ea985fcba2b36ce567d3fa27cbcc636a3f0fffeaf7ce07e71662cbc5a18de6e5f944d1cbc259dfa81fbba0bacbbd6069bbfaa75980cbcc61f5383f8f2d96ce18d08333cb9735707a3494708fcbd7d67946b5e7a280cbebf291d2dd6ae1ffcbeeda20680c2a9cf9ce070aa133cbed810116bcf79cebcbbf13f1706f694467cbf4409d57d641f7d2cbe896ba8d0819bba1ce009b9200cbbf00fa114af4f0d8cbebf2929baaeef778cbf5b683c04611f7a9cbbd4169c7ea20b7bcce0256f692cba97e42fc9e6b22a9cbb6bbe0e1a04c3b27cbab060369f549748fcbb1c5c7cc14f5a288ce04abef0acb8826ad152ef466e6cbce0479ace7330f26cb9c2cc59c5afaccb0cbd98848a91840f55ace1e5c05d0cbca93785c3f737384cbde7624f74a8e9cd5cbcfb3c9d09128697dcba7d82f145841e300ce04968f1ccbf42236e8077b206ecb8b975e0b4c42f62dcb8d3af55a2de40c81cbd659b7a8f5ba7d40ce0d706678cbe6e18eb534ceb4e3cbde9b88f6317c989acbacd33d7619570ad5cbd8006c0576b948f7ce1348baaacb8b9bbbf138748c01cb84def643cae9f5b8cbc0a516d3c3100000cbd63a2305aa337c80ce046bea00cbed88a6ace9fe7d77cb93cdc8e98500bccfcbbd5064852c083005cbba1ee940cf659017ce0127c000cbde9effc59908a60ecba46c1f7842858751cbab121a7f49196f0ecb832ec0200bb47250ce05e2bcb0cba970ce807d95e777cbb151482933e39323cbde837967d80d70becbdb502213383a285ece08db513bcbdb556edf91837999cba4587c18c421f899cbcc63c3a6bab24b0acb93e4a717ab14f1e1ce02e1b9cccbb33ede1553b61bedcbe5410f61108467c2cb98e28074279d6400cb867c516fd3867b76ce033bb8d3cbc7677ee3a5bdfd65cac3558716cb9c3638f74fe81bd9cb8ed7dcc8bae28bddce1e52a68075aafa36c8f71a9c14e98776e7cd8b95f57195a67a4131973db351a440699a86000000aa132ba441208a98e2a28e378d99c453e0d84ad9f0bf4af331f8a4808b93270073ce6119b80000007009cb8141b29647975b7302f418a687f1d45c4788edf268ee79ec48dbff370d9c18deb0ac000000558f15b341398e2eb009c122f96f7f4ee7a760d2faff0bdf62a581c4935198fb0204e9f4e100000080ebd9ae41f65bef2e279913b07ffef5bd2d58bdc5427d5b9db838d2c89e577363e8bd349c0000009c409c9a418ff73a7fbc662aab15a8cbed5d96388d8edebf2daa31d6f59c864045b65a32cc000000e61c70a941b3538bf7aa4433dba8ad9916633e4383567ae271cedd70a4b5d4ca5854dbb8b6000000cc54119241ccf6c52a001c3cf4c6ce1c36d786c9a2c3cfa54c688fa4d9ba11c42a2fa3dbeb00000090045dcd416754b224218338eab955241cadb309ceea3590eabc9936959726efec19aaacac00000092ac2dac41b060f4882a2261c78ef9eb3ed9e1d198f271d43316d57dae00a17d262172a1810000006805d59f417230db32bb733488b00ae06386b702d3a6378c45fbdf74a4b6dedd05845651d100000040f28c9841de70796caf5e62cf356d5f30ed18c4eb506d4140cf7d93cd15dfc1b4a22d948e00000046d4ceab41289db8d215e3e2fa01c979d1b6aa5afcc20819879de23fef44bd436a51fc4bc2000000507da0d44138197fa77dbc3483fb4012e1ecb9d79db4f7f0f2824ae2890c41cb65899889fc00000055da3cb541043f5ac0630ec9a2c1f7187eeae392f7655b44af875cbb8915f98bfc918ff6d2000000a22126a641745d922798dcd1a7a2f8a031fc7f21a12b8e649ed2be8ae8ccf8736f454b1db50000000028a1aa41207472ba42885d9f1383c0ca213b17bf154a2a3f97ae82a96230f9b80dba9ee800000080c4669b41230386a21442f3e6d675477369582c9cce7f5267123716ef46b4f18a31d0319c00000020be397b41dc411abe3c52849053970408442de1f54d0dfddbd5d49de300002081ba3cbcc0000000801e39a241b7f8e9dbd514b2b157d238994332b9b621487ef2108426f46b5182d304748d0b00000098d5f58a41fa083c79b70986a4e57c0924c045e9dc03ff1b2a3dfbd0a22dca4adb7cd534970000002078aeb741cd1b015d5020128defa90bafec9437d68338270a596510ab79b63200690005d3000000401b86504179d28712ac28b2d48425c068346be689ca857ad6dc84a186da7f50c0e47e82e3000000a8cabb8741e84f052d6589c3985dd7328253116a953bb048b54066e3d754b779c8b28e6d9a0000009ef20db241efbc6fb0c5efdb985a3b0f691117a8de324750fdded1d5f027060c4802106ea9000000a816419141687cea773fb3f0c318211738caeda9bbd325447a13d34cd14ee297eae3cec8ac0000004018d6b64185c4689c9accbdc536a030b6a69f48eadb7b1e19bc21e3987b8dfc22b52a31ea0000000051ed96418b4159a7378fb69dfee1a7408ff619ef49cf9a93ab4b859f38cde83a880e78d4000000b81c8a9a413551430a569d03d384bf880200c2c9acbf12e94523e9dc932112b560472eb5c5000000a89ad89341dce00c34d786d9cdfe68c0c192ff29ab6e3b77635c9e52aea068f79c049d10c9000000008183a641eaa2b12ae5d60fb5ec4b3c62b70f29f9c4179a8ee12d94d91d4e9ec14c2f19a900000030214a7c411c60acbf566689f2854be699ef1b13b5c2cf79d4bef05486585bf83e395783e3000000d9ac34b7411792e9040de1e1f59b128f66ce0b50d1249972f1e6b6e0fac64205897210ddd7000000c8748c8f411351c2ba6b0c80f787ba7d1cb9cf2bead4d68691abdcc6fa5563bb9b5b0b929000000080596fbc419795252c929362cf1e89d58ebe6830cc0588de55e1bb869a4fc0aab1f3a491f2000000d8bff4a4417d8b6478db18cfd2eedecf291f07a9a2063e3d4c063deacd12027a3d8dfbfca500000000b0a0574162bd7f7f4ed6b8ca54880d76bd8e8c9570dabe530683e3c8fc23c30c632d96de000000102324b741a910df680b5c89864fa033f1f8124dd64ea87c30ca9f7fa984dc264fa6fb6ba4000000388620ab4132492376ee1333ef2f70338e754262b64ecb06bdc5cf07ceba1bf282a83753db000000005b6db0416b3422272c71d4f587d4679ef4ac2a92055f0e3afd4230ef2170b4222fb9468800000000cc737741b09f1cd702cd7b90f7cf1c14948948b851a9e4e80233f7cd938e9405355c2ed600000000c0f3674168ba4538566510c931301c877427cb98d3f3341781c9aad985466b3952c550e0000000007816b141b5116b6837e82d9c913fa8fe92abffdc553cc8112f9282fc56de8283cb8593ed00000080acfb7f417641c192ea568ad95f98ea03b6b94de527fad367e56cb3a2f7eaff0f3f6a63cc00000088599c9f41d144f9e5e68da1c5baa0bb1fa8df59c28059a7fabb6960bd962d8f3f38f561cc0000003383d0b8418f7094347a70359780a2e7b54679d6d7ffe16addd291f2ebf99c2a0c6820daee000000cc842a9c41eb9cf7bc160181ed6744696f70f113bfd2f741d6579d40f4a1bb19088dba96e80000000040726341d8f0f44a11fa00bf78f7eeaa9b92f2eba9f71146c083b6f5bcb720eac76941bd00000090b4b78241a9226b9efc427ea9273b4ca0e1e0bbb68f7449f5690306ab88a2f514ccc7c5b100000028bcaf9241e666f42e15ad2688260f33e7ac7904ceb0ccfa5a9cc52c9c5af54018a94888d9000000d0055cbe418473733f5c7893cad59c8e4af72476de7d692891d0c9b3cf00e34158142fd8a7000000703c5a92416e207b07e83622f42df6424c0b5e978b810ce42d5af53a8d407dbaf5a8b759d6000000f0cce0aa41e3b4ce34b58ee1e69a987c31f6889bded50a5719763dd3acf748b976056c00d8000000aaba48b341018c7438f1bb9b8bb8f5e9ca43f6de84000010c3d316a5c0807c33aa05233ad600000000a8af9141777dfee9aca688edcfbc0085e9c8cd930530082c856450bd179065cf40e91eba00000000007c72410ea60899c5ff9ede51878542781f6ca40e6f19497f1a12ab5072b40b20c02e83000000c0f28a974177e7957d80ce70a92393e333294851b1be700dd8677983de5e283a38132250db00000076a2b6a14199798391df6e55db99f821c4187c58a40a4bb2baa6c363cce1f114ab17a7e49300000060ce0d8741ed1bb65315de3eb3c2678410610f41e500649d277480e298767b86d36f517c8600000098c6dd894165fdbda5e37e67c7000000c0e2b06ac0d91be84ff738369cdd8be2bac8dcd78e00000080a652be41000000800000008000000080000000809d58214d00000080000080ff00000080740ecb804c580e4c000080ff00000080000080ff000000807bac984d000080ff000080ff00000080000080ff5ccf764d000000806ec1eaed000080ff0000008005e2d44c0000008000000080000080ff000080ffe7804b4d000080ff000000800000008003000080a68a904c000080ff00000080000080ff000080ff24e86a4e000080ff000080ff0000008000000080656d614d541109fb0000008000000080000000802ba8fe4c00000080000080ff00000080000080ff9267c44c000080ff000080ff000080ff00000080a2765e4d000080ff000080ff000080ff8be25fd2ea03a54e000000800000008000000080000080ffd3e6a94d00000080000080ff00000080000080ff0d31314d0000008000000080000080ff000000804009554d000000800ed9b9b800000080000080ff2436db4c000080ff00000080000080ff00000080f1cdd94b00000080000080ff000080ffd4e5e1c5f4c8114d0000008003000080000080ff00000000adae574c00000080000080ff0000008000000080c173bd4d00000080000080ff00000080000080ffda30844a000080ff0000008000000080000080ff55de3d4c0000008000000080000080ff00000080956f904d00000080000080ff000080ff00000080b5088a4cfc9985df526e4f9d000080ff00000080c2b0b64dd564eeed000080ff00000080000080ff886ab74c00000080000080ff00000080000080ffe650d44c000080ff00000080000000803b72a9edd5c49e4c000080ff0000008000000080000080ff081c344d00000080000080ff000080ff000000800a51e24b000080ff0000008000000080000080ff67a5b94d000080ff000080ff000080ff000080ffa6637c4c000080ff000080ff000080ff00000080cc7ae34d000080ff000080ff00000080000080ffffa5274d000080ff00000080000080ff000000808005bd4a000080ff00000080000080ff000080ff1821b94d00000080000080ff00000080000000803204594d000080ff00000080000080ff000080ffd86a834d000080ff00000080000080ff00000080609ebb4b00000080a14c4482000080ff000080ff009e3f4b000080ff00000080000080ff000080ffc0b3884d00000080000080ff000080ff000080ff64ddff4b000080ff000080ff00000080000080ffcce2fc4c376f0ced41fdced2e04d03ab000080ff1a84c64d00000080000080ff000080ff000080ff2654e14c000080ff838b9fb8000080ff000080ff00921b4b8ad007b8000080ff000080ff3f4e0baaa4bd154c00000080030000800000008000000080e17d954c00000080000080ff00000080000080ff2ee0f24d000080ff000080ff000080ff00000080e4d1924c000080ff0000008000000080000080ff6806574d000080ff000080ff00000080000080ffd5459a4d00000080000000809eb628c5000080ff407d8d4c000080ff00000080292483aa064af79000e0934b000080ff0000008000000080000000809657bc4c0000008000000080000080ff000080ff14b50d4d000080ff00000080000080ff00000080736e384c00000080000080ff000000800000008035ee4e4c1df73bfb168755c300000080000000803495f24d""#,
    ),
    (
        r#"S(pcall(function() local s, out = 99, {} local function r() s = (s * 1103515245 + 12345) % 2147483648 return s end for i = 1, 200 do local x = (r() - 1073741824) * (r() % 3 == 0 and 4096 or 1) + (i % 4) / 4 out[#out+1] = bit.tobit(x) out[#out+1] = bit.tohex(x) out[#out+1] = bit.bxor(x, r()) out[#out+1] = bit.rol(x, r() % 40) out[#out+1] = bit.arshift(x, r() % 40) end return table.concat(out, ",") end))"#,
        r#"true "800097376,2fb08460,1157037344,800097376,800097376,287338496,11207000,1229119552,287338496,1122416,187957249,0b340001,1739262465,68404,734208,-445488640,e5726200,-1193234368,-445488640,-6798,1975517184,75c00000,297884672,30144,1975517184,204364800,0c2e5c00,87949312,777781260,3118,-1054160895,c12ac801,-1713694719,-1054160895,-1054160895,-211787776,f3606000,-1986240512,1610675040,-211787776,-271298560,efd45000,-885186560,-271298560,-4140,586448896,22f48000,2064228352,586448896,2290816,253751361,0f1ff041,2136924225,1091510256,253751361,-1979711488,8a000000,-1730265088,138,-7733248,-386662400,e8f40000,-1176353280,59636,-1510400,-52428800,fce00000,-124798720,64736,-4,-987234303,c5280001,-851165119,-987234303,-59,-894927104,caa87f00,-211669632,-894927104,-3495809,375275520,165e4000,1535287296,375275520,5726,721420288,2b000000,679399424,721420288,1409024,-842359551,cdca9d01,-920765055,30263965,-3290467,-191496128,f4960040,-941908224,-191496128,-191496128,-870953472,cc164e00,-1874036992,374210764,-870953472,-372244480,e9d00000,-886530048,59856,-1454080,385875969,17000001,1571760897,71424,5888,-602556672,dc15b700,-548143744,-1224680427,-602556672,2095054848,7ce00000,950279680,-536870788,124,-848486144,cd6d2100,-460724992,13462817,-848486144,1045881913,3e56e439,1448659001,1045881913,1045881913,-692060160,d6c00000,-1134695424,-692060160,-10560,-197933312,f433c700,-543885312,-956238797,-3021,-1112276992,bdb40000,-1659000640,48564,-16972,60817409,03a00001,1518365185,66464,60817409,-9747968,ff6b4200,-2079461376,-9747968,-38078,-719323136,d5200000,-496025088,-719323136,-10976,-1616904192,9fa00000,-286250496,-1616904192,-1616904192,-366083583,ea2e0201,-2031521727,-366083583,-366083583,-315851520,ed2c7d00,-32925696,746389741,-315851520,595591168,23800000,730936064,595591168,35,-1031826240,c27f94c0,-1155867072,-1799306625,-1031826240,-327155711,ec800001,-726357951,126080,-20,-1162870784,bab00000,-1872798208,-1342177094,-1162870784,-168966656,f5edc600,-675606464,16117190,-11,482344960,1cc00000,1779230464,1884160,482344960,-1171259391,ba300001,-1751614719,113200,-4575232,-1267466240,b4740000,-119947776,1946157236,-19340,-241483520,f19b4100,-1636352,1090580891,-241483520,-885593024,cb36ec40,-1889841600,921452747,-885593024,-366749183,ea23da01,-1766928383,-366749183,-1432614,-256351744,f0b86200,-370102272,1644228792,-16,-57671680,fc900000,-1863839488,-57671680,-225280,369644800,16085500,1397303296,139788310,1443925,-178959231,f5554c81,-1293726591,1431077365,-178959231,-950644672,c7565040,-1876691520,-950644672,-950644672,305135616,12300000,1640626944,1191936,18,-1401946112,ac700000,-277463296,11300864,-1401946112,676780801,2856db01,2017765377,1457193256,40,1009229568,3c279f00,851265536,3942303,60,655970816,27195200,812781632,424804391,39,-1139277824,bc180000,-1185471104,-1139277824,-17384,904005889,35e20901,104224833,20308489,904005889,665600,000a2800,1592074240,170393600,665600,-58132480,fc88f800,-1533370368,-58132480,-227080,557877312,21408840,173010752,557877312,557877312,36700161,02300001,1471216385,36700161,36700161,657311488,272dc700,1595734016,2567623,39,-742532352,d3bddb00,-682044160,-620702787,-742532352,620115200,24f63500,426010880,620115200,2422325,-609002495,dbb35c01,-1048335487,-609002495,-2378916,326440448,13751600,1468248064,326440448,326440448,-571232768,ddf3ae00,-971688064,-571232768,-571232768,203885824,0c270d00,783153152,218106919,203885824,1916796929,72400001,552231937,1916796929,114,-745470976,d3910400,-1195648128,13865220,-745470976,293283072,117b2500,151250944,293283072,1145637,1068515392,3fb04040,776998008,1068515392,63,-1326448639,b0f00001,-1884855807,-1326448639,-80,-1986002944,89a00000,-845166016,35232,-30304,726925312,2b540000,2045893632,1409286187,2839552,-842792960,cdc40000,-1399727296,13485056,-842792960,804829761,2ff8ba41,156717889,804829761,804829761,975441152,3a240d00,191625280,975441152,58,1371537408,51c00000,2118458368,1371537408,81,-246080512,f1551c00,-1541406656,1427898609,-15,-87183551,facdaf41,-2019047048,-87183551,-6,787862528,2ef5d400,367345728,-738185483,787862528,-769654784,d2200000,-154430976,-769654784,-3006464,-814839296,cf6e8a00,-1999872256,13594250,-814839296,657778945,2734e901,1856428033,-385800396,657778945,956364032,3900f500,1417406464,-184534784,57,918552576,36c00000,1685555200,14016,14016,390821952,174b7840,513847104,2017466187,5963,-450887679,e5200001,-697574143,31793152,-1761280,-812150528,cf979100,-1153751808,-812150528,-812150528,327626496,13872f00,317442112,-2026962925,327626496,984956216,3ab53d38,1157599352,984956216,58,-45534143,fd493441,-2023962879,876739913,-177868,-352498432,eafd4d00,-2146011072,1291905789,-1376947,-1782579200,95c00000,-968664064,-1073741675,-6963200,-2051014656,85c00000,-1721895040,8765440,-8011776,483689273,1cd48339,1173282873,-729597668,483689273,967069504,39a44f40,638994752,1329609124,967069504,-17920448,feee8e40,-303738048,-17920448,-274,-1459617792,a9000000,-1626755008,-1459617792,-5701632,371060225,161dee01,138072065,371060225,5661,201467136,0c022500,64350208,620760066,201467136,-855476608,cd027680,-1550737280,-855476608,-13054,1776287744,69e00000,329739776,1776287744,1776287744,183571969,0af11601,1411624961,17494294,10,914337280,367fae00,96555008,2142109750,3571630,-902175168,ca39e640,-1858876864,1086994918,-54,1042902016,3e296c00,243302400,694943806,4073836,-894449919,caafc701,-457630335,-1345912374,-3493945,-329619456,ec5a6800,-33349632,15489640,-329619456,-725928192,d4bb3700,-627245824,-725928192,-11077,-13295360,ff352100,-1939077120,553713461,-13295360,847241281,327fe041,981835585,-532598145,3309536,-199550464,f41b1a00,-1150463936,-199550464,-3045,-318767104,ed000000,-11014080,15532032,-19,-265631808,f02ac7c0,-178819392,-943656918,-265631808,-54525951,fcc00001,-958732543,-1073741316,-4,1407188992,53e00000,1306988096,5496832,1407188992,-217907840,f302fd80,-1586535424,-217907840,-3326,-792723456,d0c00000,-1440314368,-1073741616,-12096,-1799356415,94c00001,-1209217983,-1799356415,-27456,-1024647424,c2ed1f00,-988782592,-1024647424,-15635,-180741632,f53a1a00,-1642639360,-180741632,-180741632,1512046592,5a200000,492311104,23072,90,-510812927,e18d9d01,-1649305599,31559069,-510812927,945255424,38577400,906772544,945255424,945255424,704476928,29fd7700,1186797568,704476928,10749,414894848,18bacb00,2144675840,-889186118,6330,2096365569,7cf40001,1921353217,2096365569,2096365569,627510528,25670d00,1487796224,2451213,9575,-428269568,e6792000,-170139584,-428269568,-26,1039601152,3df70e00,1854033920,-150077379,15863,78366266,04abc63a,313381434,-1413072380,78366266,1999634432,77300000,353422080,805306487,30512,-1116471296,bd740000,-827535872,1946157245,-4361216,557446656,2139f600,944730112,557446656,2177526,-15252607,ff174381,-686373503,-2113988797,-15252607,-1054601728,c1240e00,-680556544,12657678,-4119538,-896988160,ca890c00,-1321260160,201378441,-3503860,387973120,17200000,2107738624,5920,387973120,-1479016447,a7d80001,-1676652543,108504,-5777408,-620175360,db08e000,-1767572736,14354656,-9464,-383031552,e92b6700,-1302546432,-383031552,-383031552,36502272,022cfb00,973695032,754647042,36502272,35038977,0216a701,442742785,35038977,35038977,1460142080,57080000,210027520,5703680,22280,-297795584,ee400000,-859298816,-297795584,-4544,-705863808,d5ed5f80,-1929758592,-312508203,-2757281,-472374527,e3d82301,-290400255,-668794397,-472374527,-985086400,c548c640,-1012085256,-985086400,-59,21584192,01495940,523139392,1073826137,84313,-531880448,e04c2600,-1468002304,-531880448,-32,669253633,27e40001,1278037313,75748,10212,89150464,05505400,310329344,1409287504,348244,-575376576,ddb47340,-1768656000,-575376576,-2247565,30412032,01d00d00,252442624,218104272,118797,-1199308799,b8840001,-685924935,-1199308799,-1199308799,-408944640,e7a00000,-407328256,1073742287,-25,450426368,1ad8f600,997552192,450426368,450426368,-1978662912,8a100000,-41375424,-1978662912,-1978662912,-5242879,ffb00001,-202337535,-5242879,-5242879,-495029056,e27e74c0,-610276672,2121580770,-7554,533242112,1fc8a100,353372160,-928972769,533242112,-284767232,ef06cc00,-936345600,-284767232,-284767232,309307265,126fa781,419769729,-2129498201,309307265,932059008,378e1780,1137208704,932059008,14222,-183201280,f5149200,-1024716800,16061586,-183201280,-379071232,e967d500,-2096420808,-379071232,-1480747,872428545,34003401,2115092481,872428545,872428545,-1656750080,9d400000,-2138795008,1073741981,-99,848243200,328f2a00,1816129536,704656015,848243200,818573824,30ca7200,1855655936,-898498512,12490,-1449132031,a9a00001,-596522495,27893760,-87,1109655552,42240000,161059072,4334592,1109655552,-64236224,fc2bd540,-943183552,-717161429,-64236224,-1749024768,97c00000,-1060078592,-1073741673,-1749024768,-4194303,ffc00001,-1419051967,131008,-4194303,935329792,37c00000,757759040,3653632,14272,-574686720,ddbefa00,-1212268800,-574686720,-574686720,534747392,1fdf9900,1252784128,-1728045089,2088857,-833617919,ce500001,-1045394175,118352,-833617919,-1342177280,b0000000,-969433088,11534336,-1342177280,11534336,00b00000,1565991680,11534336,45056,617090816,24c80f00,2130757632,-938541020,2410511,-306117823,edc10341,-964765439,54652353,-306117823,657327360,272e0500,2126030848,2567685,657327360,-904658944,ca140000,-26499072,13243392,-904658944,-783673344,d14a1800,-1420424192,402706762,-783673344,365301505,15c60f01,1781581825,-972095211,1426959,-562755840,de750700,-1408557696,1963393246,-562755840,427415552,1979d800,1156046848,427415552,427415552,1585446912,5e800000,600885248,-2147483554,1585446912,10860545,00a5b801,1408802817,16819640,0,-233158592,f21a4840,-1547342016,-233158592,-3558,732331520,2ba67e00,309080128,-1501691861,43,-682253312,d755a400,-1471816960,-682253312,-41,87065601,05308401,1110589441,-2080307920,87065601,-834437120,ce438000,-2038977536,-834437120,-50""#,
    ),
    (
        r#"S(pcall(function() local s, out = 5, {} local function r() s = (s * 1103515245 + 12345) % 2147483648 return s end for i = 1, 200 do local x = (r() - 1073741824) * (r() % 5) * 1e-3 out[#out+1] = cjson.encode(x) out[#out+1] = tostring(cjson.decode(string.format("%.17g", x))) end return table.concat(out, ",") end))"#,
        r#"true "446638.35,446638.35,0,0,2696857.6,2696857.6,-43874.048,-43874.048,-315874.816,-315874.816,-629434.048,-629434.048,296392.32,296392.32,-0,-0,-2206454.784,-2206454.784,-2244034.944,-2244034.944,-0,-0,-3035873.856,-3035873.856,-191008.256,-191008.256,-2904980.736,-2904980.736,0,0,-2577848.832,-2577848.832,3048322.048,3048322.048,188612.352,188612.352,916519.424,916519.424,-808203.648,-808203.648,578325.504,578325.504,-0,-0,511675.392,511675.392,217329.664,217329.664,-0,-0,-2039984.128,-2039984.128,250532.864,250532.864,1147348.992,1147348.992,3226030.08,3226030.08,0,0,-3572.736,-3572.736,-2094903.296,-2094903.296,1677895.808,1677895.808,-589622.528,-589622.528,93390.336,93390.336,40124.928,40124.928,0,0,0,0,-530198.592,-530198.592,-187453.44,-187453.44,3716526.08,3716526.08,-2641907.456,-2641907.456,-481254.912,-481254.912,-264564.224,-264564.224,599982.592,599982.592,-320572.928,-320572.928,-1158535.68,-1158535.68,-263490.048,-263490.048,2886551.232,2886551.232,2330235.816,2330235.816,-1711914.24,-1711914.24,-1859637.888,-1859637.888,2163068.928,2163068.928,316617.728,316617.728,428405.816,428405.816,-1704101.888,-1704101.888,819156.736,819156.736,-0,-0,-0,-0,-2791539.288,-2791539.288,1149674.88,1149674.88,3094420.992,3094420.992,4173260.8,4173260.8,1756342.272,1756342.272,-1511102.464,-1511102.464,-1056257.536,-1056257.536,0,0,2208511.488,2208511.488,-307100.672,-307100.672,0,0,-0,-0,0,0,-0,-0,29461.76,29461.76,-128997.376,-128997.376,0,0,1874241.536,1874241.536,2425764.864,2425764.864,1988995.072,1988995.072,-4141461.248,-4141461.248,-0,-0,-1220737.536,-1220737.536,-1957135.872,-1957135.872,1971763.968,1971763.968,0,0,1517478.912,1517478.912,-834240.256,-834240.256,-2878903.296,-2878903.296,-0,-0,-408586.752,-408586.752,0,0,-548785.863,-548785.863,-427479.552,-427479.552,-369034.112,-369034.112,-1068111.936,-1068111.936,-3231657.984,-3231657.984,-1367663.104,-1367663.104,-1170765.824,-1170765.824,-0,-0,-1960279.04,-1960279.04,0,0,1704517.632,1704517.632,1236697.088,1236697.088,1648607.232,1648607.232,-485720.064,-485720.064,1101561.856,1101561.856,0,0,2012004.48,2012004.48,-625017.408,-625017.408,-850774.464,-850774.464,-3432255.488,-3432255.488,-2570691.072,-2570691.072,0,0,0,0,-785965.568,-785965.568,-2151623.424,-2151623.424,1622586.624,1622586.624,-1259532.288,-1259532.288,1658326.528,1658326.528,-1126510.08,-1126510.08,183326.976,183326.976,1152633.344,1152633.344,-2035607.04,-2035607.04,-520184.544,-520184.544,1163627.52,1163627.52,0,0,59573.248,59573.248,-0,-0,140739.584,140739.584,82691.072,82691.072,-1004403.712,-1004403.712,0,0,3494140.928,3494140.928,-544403.712,-544403.712,949339.96,949339.96,-2898930.432,-2898930.432,0,0,0,0,-0,-0,-0,-0,-478673.664,-478673.664,0,0,-2850546.688,-2850546.688,-3097145.856,-3097145.856,-292326.912,-292326.912,-2163636.224,-2163636.224,-1584707.328,-1584707.328,848233.472,848233.472,0,0,-660008.704,-660008.704,-407607.296,-407607.296,-2249207.808,-2249207.808,-2556609.536,-2556609.536,598581.888,598581.888,3659022.592,3659022.592,140783.36,140783.36,571598.592,571598.592,453140.224,453140.224,-3367085.056,-3367085.056,-488166.912,-488166.912,-980306.944,-980306.944,-290578.752,-290578.752,-979781.376,-979781.376,933174.272,933174.272,-0,-0,1049762.56,1049762.56,844906.496,844906.496,62881.792,62881.792,870940.672,870940.672,-551157.76,-551157.76,1160413.184,1160413.184,-719290.24,-719290.24,-1025261.952,-1025261.952,-293054.464,-293054.464,-2344422.912,-2344422.912,-3000154.624,-3000154.624,1483166.208,1483166.208,-1424104.832,-1424104.832,-544624.96,-544624.96,3783368.704,3783368.704,1933385.984,1933385.984,-397118.208,-397118.208,790879.488,790879.488,1321567.68,1321567.68,-0,-0,243542.784,243542.784,-401571.584,-401571.584,-0,-0,-1136418.176,-1136418.176,-0,-0,-742410.24,-742410.24,-0,-0,-198217.472,-198217.472,670264.32,670264.32,-344368.896,-344368.896,-303616.768,-303616.768,-3969415.168,-3969415.168,-208016.128,-208016.128,1456581.12,1456581.12,-2071857.408,-2071857.408""#,
    ),
    (
        r#"S(cjson.decode("[0.1e1, 1E+2, -1e-2, 123.456e-2, 1e310, -1e310, 2.2250738585072014e-308, 4.9406564584124654e-324, 0.30000000000000004, 9007199254740993]"))"#,
        r#"{[10]=9007199254740992,[1]=1,[2]=100,[3]=-0.01,[4]=1.2345600000000001,[5]=inf,[6]=-inf,[7]=2.2250738585072014e-308,[8]=4.9406564584124654e-324,[9]=0.30000000000000004}"#,
    ),
    (
        r#"S(cjson.encode({1e100, 1e-100, 123456789012345, 1234567890123456, 0.1 + 0.2, 2^53, 2^63, -2^63, 1e21, 1e-7, 5e-5, 0.5, 100, 1e14, 1e15, 1e16}))"#,
        r#""[1e+100,1e-100,1.2345678901234e+14,1.2345678901235e+15,0.3,9.007199254741e+15,9.2233720368548e+18,-9.2233720368548e+18,1e+21,1e-07,5e-05,0.5,100,1e+14,1e+15,1e+16]""#,
    ),
    (
        r#"P(cjson.encode_max_depth, "abc")"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(cjson.encode_max_depth, true)"#,
        r#"false "bad argument #1 to '?' (number expected, got boolean)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_max_depth("12"), c.encode_max_depth(5.9), c.encode_max_depth(nil) end))"#,
        r#"true 12 5 5"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_keep_buffer("on"), c.encode_keep_buffer("off"), c.decode_invalid_numbers("on"), c.encode_invalid_numbers("off"), c.encode_invalid_numbers("on") end))"#,
        r#"true true false true false true"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return c.encode_sparse_array(true), c.encode_sparse_array(nil, 5), c.encode_sparse_array(nil, nil, 3) end))"#,
        r#"true true true true 5 3"#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() return pcall(c.encode_sparse_array, true, 2^31), c.encode_sparse_array() end))"#,
        r#"true false true 2 10"#,
    ),
    (
        r#"P(cjson.encode_keep_buffer, 1)"#,
        r#"false "bad argument #1 to '?' (invalid option '1')""#,
    ),
    (
        r#"P(cjson.encode_invalid_numbers, {})"#,
        r#"false "bad argument #1 to '?' (string expected, got table)""#,
    ),
    (
        r#"S(pcall(function() local f = bit.tobit local x = f() return x end))"#,
        r#"false "user_script:27: bad argument #1 to 'f' (number expected, got no value)""#,
    ),
    (
        r#"S(pcall(function() local b = bit return (function() local x = b.tobit() return x end)() end))"#,
        r#"false "user_script:27: bad argument #1 to 'tobit' (number expected, got no value)""#,
    ),
    (
        r#"S(pcall(function() local x = bit:tobit() return x end))"#,
        r#"false "user_script:27: calling 'tobit' on bad self (number expected, got table)""#,
    ),
    (
        r#"S(pcall(function() local x = cjson.encode(cjson, 1) return x end))"#,
        r#"false "user_script:27: bad argument #1 to 'encode' (expected 1 argument)""#,
    ),
    (
        r#"P(bit.tohex, "ff")"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(bit.band, true)"#,
        r#"false "bad argument #1 to '?' (number expected, got boolean)""#,
    ),
    (r#"P(bit.lshift, "3", "2")"#, r#"true 12"#),
    (
        r#"S(bit.tobit(" 12 "), bit.tobit("1e2"), bit.tobit("0x7fffffff"), bit.tobit("-0x10"))"#,
        r#"12 100 2147483647 -16"#,
    ),
    (
        r#"P(bit.tobit, "12x")"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(bit.tobit, "")"#,
        r#"false "bad argument #1 to '?' (number expected, got string)""#,
    ),
    (
        r#"S(H(struct.pack("!4bf", 1, 2)), H(struct.pack("!2bd", 1, 2)), H(struct.pack("!bT", 1, 2)), H(struct.pack("!4bi2", 1, 2)), H(struct.pack("<!8bI3", 1, 2)))"#,
        r#""0100000000000040" "01000000000000000040" "01000000000000000200000000000000" "01000200" "010000020000""#,
    ),
    (
        r#"S(struct.unpack("!4bi", "\1\0\0\0\2\0\0\0"), struct.unpack("!4bf", struct.pack("!4bf", 1, 2)))"#,
        r#"1 1 2 9"#,
    ),
    (
        r#"P(struct.pack, "i", true)"#,
        r#"false "bad argument #2 to '?' (number expected, got boolean)""#,
    ),
    (
        r#"P(struct.pack, "d", nil)"#,
        r#"false "bad argument #2 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(struct.pack, "f")"#,
        r#"false "bad argument #2 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(struct.unpack, "i", "\1\2\3\4", 2)"#,
        r#"false "bad argument #2 to '?' (data string too short)""#,
    ),
    (
        r#"P(struct.unpack, "i", "\1\2\3\4", "x")"#,
        r#"false "bad argument #3 to '?' (number expected, got string)""#,
    ),
    (
        r#"S(struct.unpack("b", "\1\2", 1.9), struct.unpack("b", "\1\2", "2"))"#,
        r#"1 2 3"#,
    ),
    (r#"S(struct.unpack("s", "ab\0cd\0", 4))"#, r#""cd" 7"#),
    (
        r#"S(struct.unpack(" ", "ab"), struct.unpack("", ""))"#,
        r#"1 1"#,
    ),
    (
        r#"P(struct.unpack, "!3b", "a")"#,
        r#"false "alignment 3 is not a power of 2""#,
    ),
    (r#"P(struct.size, "!16b!2d")"#, r#"true 10"#),
    (
        r#"S(struct.size("!16bd"), struct.size("!bd"), struct.size("!bdbhbi"), struct.size("<>x"))"#,
        r#"16 16 28 1"#,
    ),
    (
        r#"S(cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1.7), cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), "2", "1"))"#,
        r#"-1 -1 2 3"#,
    ),
    (
        r#"P(cmsgpack.unpack_one, "\1", "x")"#,
        r#"false "bad argument #2 to '?' (number expected, got string)""#,
    ),
    (
        r#"P(cmsgpack.unpack_one, "\1", 2)"#,
        r#"false "Start offset 2 greater than input length 1.""#,
    ),
    (r#"P(cmsgpack.unpack_one, "\1", 1)"#, r#"true -1"#),
    (r#"P(cmsgpack.unpack_limit, "", 1)"#, r#"true -1"#),
    (r#"P(cmsgpack.unpack_limit, "", 0)"#, r#"true"#),
    (
        r#"P(cmsgpack.unpack_one)"#,
        r#"false "bad argument #1 to '?' (string expected, got no value)""#,
    ),
    (
        r#"P(cmsgpack.unpack_one, nil, 1)"#,
        r#"false "bad argument #1 to '?' (string expected, got nil)""#,
    ),
    (
        r#"S(H(cmsgpack.pack({[1]=1, [2]=2, [4]=4})), H(cmsgpack.pack({[1]=1, [2]=2, n=3})), H(cmsgpack.pack({[1]=true, [1.5]=false})))"#,
        r#""83010102020404" "8301010202a16e03" "8201c3ca3fc00000c2""#,
    ),
    (
        r#"S(H(cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17})), H(cmsgpack.pack({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16,q=17})):sub(1,6))"#,
        r#""dc00110102030405060708090a0b0c0d0e0f1011" "de0011""#,
    ),
    (
        r#"S(#cmsgpack.pack(string.rep("x", 70000)), H(cmsgpack.pack(string.rep("x", 70000)):sub(1, 5)))"#,
        r#"70005 "db00011170""#,
    ),
    (
        r#"S(P(cjson.decode, "\"\f\""), P(cjson.decode, "\f1"), P(cjson.decode, "[1,\n2]"), P(cjson.decode, "\"tab\tin\""))"#,
        r#""true "\x0c"" "false "Expected value but found invalid token at character 1"" "true {[1]=1,[2]=2}" "true "tab\x09in"""#,
    ),
    (
        r#"S(P(cjson.decode, "-"), P(cjson.decode, "--1"), P(cjson.decode, "-a"), P(cjson.decode, "1.5.3"), P(cjson.decode, "1e5e5"), P(cjson.decode, "0x"), P(cjson.decode, "0xg"), P(cjson.decode, "-0x10"), P(cjson.decode, "infinit"), P(cjson.decode, "nan(123)"), P(cjson.decode, "Nan"), P(cjson.decode, "Inf"))"#,
        r#""false "Expected value but found invalid number at character 1"" "false "Expected value but found invalid number at character 1"" "false "Expected value but found invalid number at character 1"" "false "Expected the end but found invalid token at character 4"" "false "Expected the end but found invalid token at character 4"" "false "Expected the end but found invalid token at character 2"" "false "Expected the end but found invalid token at character 2"" "true -16" "false "Expected the end but found invalid token at character 4"" "true nan" "true nan" "true inf""#,
    ),
    (
        r#"S(P(cjson.decode, "[1,2,3]   \n\t"), P(cjson.decode, "nulll"), P(cjson.decode, "truefalse"), P(cjson.decode, "{\"a\":1}}"), P(cjson.decode, "\"\\u0041\\u00\""), P(cjson.decode, "\"\\uD834\\uDD1E\""), P(cjson.decode, "\"\\uDBFF\\uDFFF\""), P(cjson.decode, "\"\\ud834x\""))"#,
        r#""true {[1]=1,[2]=2,[3]=3}" "false "Expected the end but found invalid token at character 5"" "false "Expected the end but found T_BOOLEAN at character 5"" "false "Expected the end but found T_OBJ_END at character 8"" "false "Expected value but found invalid unicode escape code at character 8"" "true "\xf0\x9d\x84\x9e"" "true "\xf4\x8f\xbf\xbf"" "false "Expected value but found invalid unicode escape code at character 2"""#,
    ),
    (
        r#"S(P(cjson.decode, "{\"\":1}"), P(cjson.decode, "{\"a\":{}}"), P(cjson.decode, "[[],[[]],{}]"), P(cjson.decode, "\"\\u00\\u0041\""))"#,
        r#""true {[""]=1}" "true {["a"]={}}" "true {[1]={},[2]={[1]={}},[3]={}}" "false "Expected value but found invalid unicode escape code at character 2"""#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 7000 do t[i] = "1" end return bit.bor(unpack(t)) end))"#,
        r#"true 1"#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 7000 do t[i] = "ab" end return #cmsgpack.pack(unpack(t)) end))"#,
        r#"false "user_script:27: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)""#,
    ),
    (
        r##"S(pcall(function() local t = {} for i = 1, 7000 do t[i] = "ab" end return select("#", cmsgpack.unpack(cmsgpack.pack(unpack(t)))) end))"##,
        r#"false "user_script:27: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)""#,
    ),
    (
        r##"S(pcall(function() return select("#", struct.unpack(string.rep("c1", 7900), string.rep("x", 7900))) end))"##,
        r#"true 7901"#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 100000 do t[i] = "s" .. i end return #cjson.encode(t), #cmsgpack.pack(t), #cjson.decode(cjson.encode(t)), #cmsgpack.unpack(cmsgpack.pack(t)) end))"#,
        r#"true 888896 688900 100000 100000"#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 20000 do t["k" .. i] = {i, "v"} end return #cjson.encode(t), #cmsgpack.pack(t) end))"#,
        r#"true 397789 248515"#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 4000 do t[i] = "ab" end return #cmsgpack.pack(unpack(t)) end))"#,
        r#"true 12000"#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 4001 do t[i] = "ab" end return #cmsgpack.pack(unpack(t)) end))"#,
        r#"false "user_script:27: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)""#,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end local s = table.concat(t) return cjson.encode(s), H(cmsgpack.pack(s)), cjson.decode(cjson.encode(s)) == s end))"#,
        r##"true ""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-.\/0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"" "da0100000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff" true"##,
    ),
    (
        r#"S(pcall(function() local t = {} for i = 1, 40 do t["key" .. i] = i end t[1] = "x" t[2.5] = true return cjson.encode(t), H(cmsgpack.pack(t)) end))"#,
        r#"true "{"key16":16,"key9":9,"key35":35,"key24":24,"key14":14,"key8":8,"key31":31,"key26":26,"key17":17,"key39":39,"key13":13,"key21":21,"key4":4,"key32":32,"key2":2,"key1":1,"2.5":true,"1":"x","key27":27,"key40":40,"key38":38,"key22":22,"key33":33,"key3":3,"key25":25,"key15":15,"key6":6,"key34":34,"key11":11,"key5":5,"key30":30,"key10":10,"key19":19,"key29":29,"key7":7,"key37":37,"key20":20,"key12":12,"key18":18,"key23":23,"key36":36,"key28":28}" "de002aa56b6579313610a46b65793909a56b6579333523a56b6579323418a56b657931340ea46b65793808a56b657933311fa56b657932361aa56b6579313711a56b6579333927a56b657931330da56b6579323115a46b65793404a56b6579333220a46b65793202a46b65793101ca40200000c301a178a56b657932371ba56b6579343028a56b6579333826a56b6579323216a56b6579333321a46b65793303a56b6579323519a56b657931350fa46b65793606a56b6579333422a56b657931310ba46b65793505a56b657933301ea56b657931300aa56b6579313913a56b657932391da46b65793707a56b6579333725a56b6579323014a56b657931320ca56b6579313812a56b6579323317a56b6579333624a56b657932381c""#,
    ),
    (
        r#"S(pcall(function() local s, out = 31, {} local function r() s = (s * 1103515245 + 12345) % 2147483648 return s end for i = 1, 32 do local x = (r() - 1073741824) * 2^(r() % 40) out[#out + 1] = H(struct.pack("<i" .. i, x)) .. H(struct.pack(">I" .. i, x)) .. table.concat({struct.unpack("<i" .. i .. ">I" .. i, struct.pack("<i" .. i .. ">I" .. i, x, -x))}, ":") end return table.concat(out, ",") end))"#,
        r#"true "00000:0:3,00c5c500-15104:15104:5,000008080000524288:16252928:7,00e8b9e1e1b9e800-507910144:507910144:9,000000c88484c8000000-529220501504:529220501504:11,0000a87ae6ffffe67aa80000-109611319296:109611319296:13,000000008813d0d0138800000000-1.3489324045631e+16:1.3489324045631e+16:15,00000000031bc8ffffc81b0300000000-1.5732898996945e+16:1.5732898996945e+16:17,79762ad9ffffffff0000ffffffffd92a7679-7:651528583:19,00f814aa1f000000000000000000001faa14f800-2048:1.8446743937712e+19:21,0000004694e9ffff000000000000ffffe99446000000-8388608:24651937873920:23,00004056a1faffff0000000000000000fffffaa156400000-700448768:5904132997120:25,00000040e5af2b0000000000000000000000002bafe540000000-114890375168:1.8434447250555e+19:27,00000000388cae0a0000000000000000000000000aae8c3800000000-1.2730283065344e+14:1.7677037315237e+19:29,00141203000000000000000000000000000000000000000000000312140051516416:1.8446744073658e+19:31,00000040d426f9ff00000000000000000000000000000000fff926d440000000-1.9276317883105e+15:1.9276317883105e+15:33,0000000040933c1a0000000000000000000000000000000000001a3c934000000000-128:1.6556196227034e+19:35,0040ea0d1f00000000000000000000000000000000000000000000000000001f0dea4000-16384:1.8446743940332e+19:37,0000000000994015000000000000000000000000000000000000000000001540990000000000-8388608:1.6915351975125e+19:39,00000000613d140000000000000000000000000000000000000000000000000000143d6100000000-2147483648:1.8441047087354e+19:41,40693bcaffffffff0000000000000000000000000000000000000000000000000000ffffffffca3b6940-902076096:902076096:43,00000000c0e676ea00000000000000000000000000000000000000000000000000000000ea76e6c000000000-27762668601344:1.5517993092744e+18:45,0000000040605cd7000000000000000000000000000000000000000000000000000000000000d75c604000000000-1.002727116741e+16:2.9283598297035e+18:47,000000003692efff0000000000000000000000000000000000000000000000000000000000000000ffef923600000000-4.6243139781919e+15:4.6243139781919e+15:49,0040c62812000000000000000000000000000000000000000000000000000000000000000000000000000000001228c64000-128:1.8446743995716e+19:51,0000d49c2b0000000000000000000000000000000000000000000000000000000000000000000000000000000000002b9cd40000-32768:1.8446743886395e+19:53,40948f1100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000118f9440-7367616:1.8446744073415e+19:55,0053b32000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000020b35300548623104:1.8446744073161e+19:57,38ab2ffeffffffff000000000000000000000000000000000000000000000000000000000000000000000000000000000000fffffffffe2fab38-30430408:30430408:59,000000cbad2d0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002dadcb00000050224458366976:1.8446693849251e+19:61,00e31aedffffffff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000ffffffffed1ae300-317005056:317005056:63,00000000bb49c1ff000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000ffc149bb00000000-1.7651856025059e+16:1.7651856025059e+16:65""#,
    ),
    (
        r#"P(struct.pack, "c9000ii", string.rep("x", 9000))"#,
        r#"false "bad argument #3 to '?' (number expected, got nil)""#,
    ),
    (
        r#"P(struct.pack, "c9000iii", string.rep("x", 9000), 1)"#,
        r#"false "bad argument #4 to '?' (number expected, got nil)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 4000) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145", 4001) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145\129\1", 1500) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\145\129\1", 1700) .. "\1"))"#,
        r#"true {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, string.rep("\146\1", 3999) .. "\1"))"#,
        r#"true {[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={[1]=1,[2]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack, "\1\2" .. string.rep("\145", 3998) .. "\1"))"#,
        r#"true 1 2 {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, string.rep("\145", 3999) .. "\1"))"#,
        r#"true -1 {[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={[1]={...}}}}}}}}}}}}}}}}}}}}}}"#,
    ),
    (
        r#"S(pcall(cmsgpack.unpack_one, string.rep("\145", 4000) .. "\1"))"#,
        r#"false "stack overflow (in function mp_decode_to_lua_array)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return pcall(c.decode, string.rep("{\"a\":[", 5000)) end))"#,
        r#"true false "Found too many nested data structures (5333) at character 15997""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.decode_max_depth(100000) return pcall(c.decode, string.rep("[{\"a\":", 5000)) end))"#,
        r#"true false "Found too many nested data structures (5333) at character 15997""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.encode_max_depth(100000) local t = {} local u = {t} t.a = u return pcall(c.encode, t) end))"#,
        r#"true false "Cannot serialise, excessive nesting (5332)""#,
    ),
    (
        r#"S(pcall(function() local c = cjson.new() c.encode_max_depth(100000) local t = {} local u = {a = t} t[1] = u return pcall(c.encode, t) end))"#,
        r#"true false "Cannot serialise, excessive nesting (5333)""#,
    ),
];

#[test]
fn matches_redis_7_0_15() {
    let mut failures = Vec::new();
    for (expr, expected) in CASES {
        let got = common::eval_show(expr);
        if got != *expected {
            failures.push(format!("{expr}\n  redis: {expected}\n  ours:  {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn tail_calls_differ_only_by_the_position_prefix() {
    for (expr, redis, ours) in TAIL_CALL_CASES {
        assert_eq!(common::eval_show(expr), *ours, "{expr}");
        assert_eq!(redis.replacen("user_script:27: ", "", 1), *ours, "{expr}");
    }
}
