using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Sheriff.Core.Sql
{
    /// <summary>The kinds of Spark SQL type a result column can have.</summary>
    public enum SqlTypeKind
    {
        /// <summary>A type this client does not know (e.g. an interval or variant): values come back as plain JSON values.</summary>
        Unknown,
        Null,
        Boolean,
        TinyInt,
        SmallInt,
        Int,
        BigInt,
        Float,
        Double,
        Decimal,
        String,
        Binary,
        Date,
        Timestamp,
        TimestampNtz,
        Array,
        Map,
        Struct,
    }

    /// <summary>A field of a <see cref="SqlTypeKind.Struct"/> type.</summary>
    public sealed class SqlStructField
    {
        public SqlStructField(string name, SqlType type)
        {
            Name = name;
            Type = type;
        }

        public string Name { get; }
        public SqlType Type { get; }
    }

    /// <summary>
    /// A parsed Spark SQL type name, as Spark's <c>DataType.simpleString</c> writes it: <c>int</c>, <c>decimal(10,2)</c>,
    /// <c>array&lt;string&gt;</c>, <c>map&lt;string,array&lt;int&gt;&gt;</c>, <c>struct&lt;a:int,b:string&gt;</c>. Also accepts
    /// Spark's other spellings (<c>integer</c>, <c>long</c>, <c>short</c>, <c>byte</c>, <c>timestamp_ltz</c>, <c>varchar(n)</c>,
    /// <c>char(n)</c>, <c>void</c>). A name it does not know parses as <see cref="SqlTypeKind.Unknown"/>, never an error.
    /// </summary>
    public sealed class SqlType
    {
        private SqlType(SqlTypeKind kind, string name)
        {
            Kind = kind;
            Name = name;
        }

        public SqlTypeKind Kind { get; }
        /// <summary>The type name as the result file gave it.</summary>
        public string Name { get; }
        /// <summary>decimal(p,s): the precision.</summary>
        public int Precision { get; private set; }
        /// <summary>decimal(p,s): the scale.</summary>
        public int Scale { get; private set; }
        /// <summary>array: the element type.</summary>
        public SqlType? ElementType { get; private set; }
        /// <summary>map: the key type.</summary>
        public SqlType? KeyType { get; private set; }
        /// <summary>map: the value type.</summary>
        public SqlType? ValueType { get; private set; }
        /// <summary>struct: the fields in order.</summary>
        public IReadOnlyList<SqlStructField> Fields { get; private set; } = Array.Empty<SqlStructField>();

        private string[]? _fieldNames;

        /// <summary>struct: the field names, one array per type (values of the type share it).</summary>
        public IReadOnlyList<string> FieldNames
        {
            get
            {
                if (_fieldNames == null)
                {
                    var names = new string[Fields.Count];
                    for (var i = 0; i < names.Length; i++) names[i] = Fields[i].Name;
                    _fieldNames = names;
                }
                return _fieldNames;
            }
        }

        /// <summary>True for array, map and struct.</summary>
        public bool IsNested => Kind == SqlTypeKind.Array || Kind == SqlTypeKind.Map || Kind == SqlTypeKind.Struct;

        /// <summary>True when a value of this type holds a struct somewhere (so a caller that maps structs must walk it).</summary>
        public bool ContainsStruct => Kind switch
        {
            SqlTypeKind.Struct => true,
            SqlTypeKind.Array => ElementType!.ContainsStruct,
            SqlTypeKind.Map => KeyType!.ContainsStruct || ValueType!.ContainsStruct,
            _ => false,
        };

        public override string ToString() => Name;

        /// <summary>Parses a Spark type name; never throws for a well-formed unknown name (it becomes <see cref="SqlTypeKind.Unknown"/>).</summary>
        /// <exception cref="FormatException">The name is not balanced (e.g. <c>array&lt;int</c>).</exception>
        public static SqlType Parse(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            var position = 0;
            var type = ParseAt(name, ref position);
            SkipSpaces(name, ref position);
            if (position != name.Length) throw new FormatException($"Unexpected '{name.Substring(position)}' after the type in '{name}'.");
            return type;
        }

        private static SqlType ParseAt(string text, ref int position)
        {
            SkipSpaces(text, ref position);
            var start = position;
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_')) position++;
            var word = text.Substring(start, position - start).ToLowerInvariant();
            if (word.Length == 0) throw new FormatException($"A type name was expected at position {start + 1} of '{text}'.");
            SkipSpaces(text, ref position);
            switch (word)
            {
                case "array":
                {
                    Expect(text, ref position, '<');
                    var element = ParseAt(text, ref position);
                    Expect(text, ref position, '>');
                    return new SqlType(SqlTypeKind.Array, Slice(text, start, position)) { ElementType = element };
                }
                case "map":
                {
                    Expect(text, ref position, '<');
                    var key = ParseAt(text, ref position);
                    Expect(text, ref position, ',');
                    var value = ParseAt(text, ref position);
                    Expect(text, ref position, '>');
                    return new SqlType(SqlTypeKind.Map, Slice(text, start, position)) { KeyType = key, ValueType = value };
                }
                case "struct":
                {
                    Expect(text, ref position, '<');
                    var fields = new List<SqlStructField>();
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == '>') position++;
                    else
                    {
                        while (true)
                        {
                            var fieldName = ReadFieldName(text, ref position);
                            Expect(text, ref position, ':');
                            var fieldType = ParseAt(text, ref position);
                            fields.Add(new SqlStructField(fieldName, fieldType));
                            SkipSpaces(text, ref position);
                            if (position < text.Length && text[position] == ',') { position++; continue; }
                            Expect(text, ref position, '>');
                            break;
                        }
                    }
                    return new SqlType(SqlTypeKind.Struct, Slice(text, start, position)) { Fields = fields };
                }
            }
            // A simple type, perhaps with arguments: decimal(10,2), varchar(20), interval day to second.
            var arguments = new List<int>();
            if (position < text.Length && text[position] == '(')
            {
                position++;
                while (true)
                {
                    SkipSpaces(text, ref position);
                    var numberStart = position;
                    while (position < text.Length && char.IsDigit(text[position])) position++;
                    if (numberStart == position) throw new FormatException($"A number was expected at position {position + 1} of '{text}'.");
                    arguments.Add(int.Parse(text.Substring(numberStart, position - numberStart), NumberStyles.None, CultureInfo.InvariantCulture));
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == ',') { position++; continue; }
                    Expect(text, ref position, ')');
                    break;
                }
            }
            // Trailing words (interval year to month): part of an unknown type's name.
            while (position < text.Length && char.IsLetter(text[position]))
            {
                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_' || text[position] == ' ')) position++;
                word = "unknown";
            }
            var kind = word switch
            {
                "void" or "null" => SqlTypeKind.Null,
                "boolean" or "bool" => SqlTypeKind.Boolean,
                "tinyint" or "byte" => SqlTypeKind.TinyInt,
                "smallint" or "short" => SqlTypeKind.SmallInt,
                "int" or "integer" => SqlTypeKind.Int,
                "bigint" or "long" => SqlTypeKind.BigInt,
                "float" or "real" => SqlTypeKind.Float,
                "double" => SqlTypeKind.Double,
                "decimal" or "dec" or "numeric" => SqlTypeKind.Decimal,
                "string" or "varchar" or "char" => SqlTypeKind.String,
                "binary" => SqlTypeKind.Binary,
                "date" => SqlTypeKind.Date,
                "timestamp" or "timestamp_ltz" => SqlTypeKind.Timestamp,
                "timestamp_ntz" => SqlTypeKind.TimestampNtz,
                _ => SqlTypeKind.Unknown,
            };
            var type = new SqlType(kind, Slice(text, start, position));
            if (kind == SqlTypeKind.Decimal)
            {
                // Spark's default decimal is decimal(10,0).
                type.Precision = arguments.Count > 0 ? arguments[0] : 10;
                type.Scale = arguments.Count > 1 ? arguments[1] : 0;
            }
            return type;
        }

        /// <summary>A struct field name: up to the ':' (names with spaces or punctuation may be back-quoted).</summary>
        private static string ReadFieldName(string text, ref int position)
        {
            SkipSpaces(text, ref position);
            if (position < text.Length && text[position] == '`')
            {
                var sb = new StringBuilder();
                position++;
                while (position < text.Length)
                {
                    if (text[position] == '`')
                    {
                        if (position + 1 < text.Length && text[position + 1] == '`') { sb.Append('`'); position += 2; continue; }
                        position++;
                        return sb.ToString();
                    }
                    sb.Append(text[position++]);
                }
                throw new FormatException($"An unclosed ` in '{text}'.");
            }
            var start = position;
            while (position < text.Length && text[position] != ':') position++;
            if (position == text.Length) throw new FormatException($"A struct field without ':' in '{text}'.");
            return text.Substring(start, position - start).Trim();
        }

        private static string Slice(string text, int start, int end) => text.Substring(start, end - start).Trim();

        private static void SkipSpaces(string text, ref int position)
        {
            while (position < text.Length && text[position] == ' ') position++;
        }

        private static void Expect(string text, ref int position, char c)
        {
            SkipSpaces(text, ref position);
            if (position >= text.Length || text[position] != c)
                throw new FormatException($"'{c}' was expected at position {position + 1} of '{text}'.");
            position++;
        }
    }
}
