package io.tokenmark.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.workload.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python constructs of chat templates rendered through {@link ChatTemplate}. Each expected value
 * is what Python Jinja2 3.1.6 renders for the same source (sandboxed, {@code trim_blocks},
 * {@code lstrip_blocks}), with booleans turned into yes/no because Python prints them as
 * {@code True}.
 */
class Jinja2CompatibilityTest {
    static Stream<Arguments> templates() {
        return Stream.of(
                Arguments.of("{{ 'a</think>'.split('</think>')[-1] }}", ""),
                Arguments.of("{{ 'x</think>\\n\\nanswer'.split('</think>')[-1].lstrip('\\n') }}", "answer"),
                Arguments.of("{{ '  a b  c '.split() | join('|') }}", "a|b|c"),
                Arguments.of("{{ 'a,b,,c'.split(',') | join('|') }}", "a|b||c"),
                Arguments.of("{{ 'a,b,c'.split(',', 1) | join('|') }}", "a|b,c"),
                Arguments.of("{{ 'a,b,c'.rsplit(',', 1) | join('|') }}", "a,b|c"),
                Arguments.of("{{ '\\n\\nx\\n'.strip('\\n') }}", "x"),
                Arguments.of("{{ '  x  '.strip() }}|{{ '  x  '.lstrip() }}|{{ '  x  '.rstrip() }}", "x|x  |  x"),
                Arguments.of("{{ 'xxabcxx'.strip('x') }}", "abc"),
                Arguments.of("{% if '<tool_response>r</tool_response>'.startswith('<tool_response>') %}yes{% else %}no{% endif %}", "yes"),
                Arguments.of("{% if 'abc'.endswith(('x', 'c')) %}yes{% else %}no{% endif %}", "yes"),
                Arguments.of("{% if 'abc'.startswith('b', 1) %}yes{% else %}no{% endif %}", "yes"),
                Arguments.of("{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}", "Hello World|Hello|ABab"),
                Arguments.of("{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'abc'.replace('b', 'x') }}", "bba|axc"),
                Arguments.of("{{ 'abcabc'.find('c') }}|{{ 'abcabc'.rfind('c') }}|{{ 'abcabc'.count('bc') }}|{{ 'abc'.find('z') }}", "2|5|2|-1"),
                Arguments.of("{{ ', '.join(['a', 'b']) }}", "a, b"),
                Arguments.of("{{ 'l1\\nl2\\r\\nl3\\n'.splitlines() | length }}", "3"),
                Arguments.of("{{ [1, 2, 3][::-1] | join(',') }}", "3,2,1"),
                Arguments.of("{{ 'abc'[::-1] }}", "cba"),
                Arguments.of("{% set ns = namespace(a=1, b=[1,2,3]|length - 1) %}{{ ns.a }}{{ ns.b }}", "12"),
                Arguments.of("{% set ns = namespace(found=false) %}{% for x in [1, 2] %}{% if x == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{% if ns.found %}yes{% else %}no{% endif %}", "yes"),
                Arguments.of("{% if '</think>' in 'a</think>b' %}yes{% else %}no{% endif %}", "yes"),
                Arguments.of("{% if undefined_var is defined %}d{% else %}u{% endif %}", "u"),
                Arguments.of("{% if add_generation_prompt is false %}f{% endif %}", "f"),
                Arguments.of("{% for m in messages[::-1] %}{{ m.content }}{% endfor %}", "21"),
                Arguments.of("{{ messages[0].content }}  \n  {{- '!' }}", "1!"),
                Arguments.of("{% for m in messages %}\n  {{ m.role }}\n{% endfor %}", "  user\n  user\n"),
                Arguments.of("{{ messages[1:] | map(attribute='content') | join(',') }}", "2"),
                Arguments.of("{{ messages[0]['content'] | trim }}|{{ ' x ' | trim }}", "1|x"),
                Arguments.of("{%- if not date_string is defined %}{%- set date_string = '26 Jul 2024' %}{%- endif %}{{ date_string }}", "26 Jul 2024"),
                Arguments.of("{% for m in messages %}{{ m.content }}{% if not loop.last %},{% endif %}{% endfor %}", "1,2"),
                Arguments.of("{{ (messages | length) * 2 }}", "4"),
                Arguments.of("{{ messages | selectattr('role', 'equalto', 'user') | list | length }}", "2"),
                Arguments.of("{{ 'a' ~ 'b' ~ 1 }}", "ab1"));
    }

    @ParameterizedTest
    @MethodSource("templates")
    void rendersAsPythonJinja2(String source, String expected) {
        ChatTemplate template = ChatTemplate.of(source, Map.of());
        List<ChatMessage> messages = List.of(ChatMessage.user("1"), ChatMessage.user("2"));

        assertThat(template.render(messages, false)).isEqualTo(expected);
    }

    static Stream<Arguments> rewrites() {
        return Stream.of(
                Arguments.of("for m in messages[::-1]", "for m in (messages|reverse)"),
                Arguments.of(" a.b(c)[0][::-1] ", " (a.b(c)[0]|reverse) "),
                Arguments.of(" 'abc'[::-1] ", " ('abc'|reverse) "),
                Arguments.of(" (x + y)[::-1] ", " ((x + y)|reverse) "),
                Arguments.of(" a[::-1][::-1] ", " ((a|reverse)|reverse) "),
                Arguments.of(" '[::-1]' ", " '[::-1]' "),
                Arguments.of(" x[::2] ", " x[::2] "),
                Arguments.of(" namespace(a=1, b=n|length - 1) ", " namespace(a=(1), b=(n|length - 1)) "),
                Arguments.of(" f(a=[1, 2], b=g(c=3)) ", " f(a=([1, 2]), b=(g(c=(3)))) "),
                Arguments.of(" f(a == b) ", " f(a == b) "),
                Arguments.of(" f('a=1', x) ", " f('a=1', x) "),
                Arguments.of(" set x = y ", " set x = y "));
    }

    @ParameterizedTest
    @MethodSource("rewrites")
    void adapterRewritesExpression(String expression, String expected) {
        assertThat(JinjavaSyntaxAdapter.adaptExpression(expression)).isEqualTo(expected);
    }

    @Test
    void adapterLeavesTextCommentsAndRawBlocks() {
        String source = "text x[::-1] f(a=1) {# c[::-1] #}{% raw %}{{ y[::-1] }}{% endraw %}{{ z[::-1] }}";

        assertThat(JinjavaSyntaxAdapter.adapt(source)).isEqualTo(
                "text x[::-1] f(a=1) {# c[::-1] #}{% raw %}{{ y[::-1] }}{% endraw %}{{ (z|reverse) }}");
    }
}
