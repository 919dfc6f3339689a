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
