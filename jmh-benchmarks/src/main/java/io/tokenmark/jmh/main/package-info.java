/**
 * The main command, {@code mvn -B -pl jmh-benchmarks -am verify}: the default benchmark against
 * the embedded simulator, or against a server given by {@code -Dtokenmark.url} and
 * {@code -Dtokenmark.model}. {@link io.tokenmark.jmh.main.MainSettings} lists every
 * {@code tokenmark.*} property.
 */
package io.tokenmark.jmh.main;
